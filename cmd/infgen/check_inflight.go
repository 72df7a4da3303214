package main

import (
	"context"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/infgen/infgen/contract"
	"github.com/infgen/infgen/runtime/admin"
	"github.com/infgen/infgen/runtime/client"
)

// inFlightFlags select the workflows whose recorded task payloads a spec
// check validates against the new spec: those of the state file (--db) or
// of the runtime the ops commands reach (--admin, or the environment).
type inFlightFlags struct {
	ops     opsFlags
	enabled bool
}

func (f *inFlightFlags) register(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.enabled, "in-flight", false,
		"also validate the recorded task inputs and answers of every unfinished workflow against NEW (implied by --db and --admin)")
	f.ops.register(cmd)
}

// wanted reports whether the in-flight check was asked for.
func (f *inFlightFlags) wanted() bool {
	return f.enabled || f.ops.db != "" || f.ops.admin != ""
}

// check validates the recorded tasks of every unfinished workflow with p and
// adds what would fail to r.
func (f *inFlightFlags) check(cmd *cobra.Command, p *contract.Payloads, r *contract.Report) error {
	return f.ops.withRuntime(cmd, func(ctx context.Context, rt *opsRuntime) error {
		tasks, workflows, err := recordedTasks(ctx, rt.client)
		if err != nil {
			return err
		}
		impact := p.Check(tasks)
		r.Findings = append(r.Findings, impact.Findings...)
		r.InFlight = &contract.InFlight{Check: "payloads", Workflows: workflows, Tasks: len(tasks), Failing: []string{}}
		for _, finding := range impact.Findings {
			if !slices.Contains(r.InFlight.Failing, finding.Workflow) {
				r.InFlight.Failing = append(r.InFlight.Failing, finding.Workflow)
			}
		}
		return nil
	})
}

// recordedTasks lists the tasks of every unfinished workflow (running or
// parked), in workflow id and step order, and counts those workflows.
func recordedTasks(ctx context.Context, api admin.API) ([]contract.Task, int, error) {
	running, err := api.ListRunning(ctx)
	if err != nil {
		return nil, 0, err
	}
	parked, err := api.ListParked(ctx)
	if err != nil {
		return nil, 0, err
	}
	ids := slices.Compact(slices.Sorted(slices.Values(append(running, parked...))))
	var tasks []contract.Task
	for _, id := range ids {
		d, err := api.Describe(ctx, id)
		if err != nil {
			return nil, 0, fmt.Errorf("workflow %s: %w", id, err)
		}
		recs, err := api.Tasks(ctx, id)
		if err != nil {
			return nil, 0, fmt.Errorf("workflow %s: %w", id, err)
		}
		for _, t := range recs {
			tasks = append(tasks, contract.Task{
				Workflow: id, WorkflowName: d.Name, Seq: t.Seq, Service: t.Service, Method: t.Method,
				Codec: t.Codec, Input: t.Input, Answered: t.Status == client.TaskCompleted, Output: t.Output,
			})
		}
	}
	return tasks, len(ids), nil
}

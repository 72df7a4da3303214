package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/infgen/infgen/contract"
	"github.com/infgen/infgen/runtime/workflowtest"
)

// newCheckReplayCmd builds `infgen check replay --workflow IMPORT_PATH.Name...`.
func newCheckReplayCmd() *cobra.Command {
	var (
		flags     checkFlags
		ops       opsFlags
		workflows []string
	)
	cmd := &cobra.Command{
		Use:   "replay --workflow IMPORT_PATH.Name... [--db FILE | --admin ADDR] [--format text|json]",
		Short: "Replay the histories of unfinished workflows with new workflow code, to find what it would park",
		Long: "Builds a small program in the current module that imports the given workflow\n" +
			"definitions (IMPORT_PATH.Name: a package-level workflow.Define variable, or a\n" +
			"function returning a workflow.Definition, as for infgen init worker) and replays\n" +
			"with them the recorded history of every running or parked workflow of the state\n" +
			"file (--db) or of the runtime the ops commands reach (--admin, environment), as\n" +
			"workflowtest.ReplayAll does. A workflow whose history the code does not replay\n" +
			"(the engine would park it) is an error with the step and the expected and found\n" +
			"commands; workflows of names no definition has are listed as not replayed.",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError("%s takes no arguments (got %q): name the workflows with --workflow", strings.TrimPrefix(cmd.CommandPath(), "infgen "), args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := flags.validate(); err != nil {
				return err
			}
			if len(workflows) == 0 {
				return withHint(usageError("check replay needs the new workflow code: --workflow IMPORT_PATH.Name"),
					"for example --workflow github.com/acme/billing/monthly.Workflow (a var holding workflow.Define(...), or a func returning a workflow.Definition)")
			}
			w, err := inspectWorker(nil, workflows)
			if err != nil {
				return withExit(exitUsage, err)
			}
			var states []json.RawMessage
			err = ops.withRuntime(cmd, func(ctx context.Context, rt *opsRuntime) error {
				states, err = unfinishedStates(ctx, rt)
				return err
			})
			if err != nil {
				return withExit(exitUsage, err)
			}
			results, err := replayWith(w, states)
			if err != nil {
				return withExit(exitUsage, err)
			}
			r := replayReport(results)
			return flags.report(cmd.OutOrStdout(), r, "the recorded histories", "the new workflow code")
		},
	}
	cmd.Flags().StringArrayVar(&workflows, "workflow", nil, "a workflow definition of the new code, IMPORT_PATH.Name (repeatable)")
	flags.register(cmd)
	ops.register(cmd)
	return cmd
}

// unfinishedStates reads the states of the running and parked workflows.
func unfinishedStates(ctx context.Context, rt *opsRuntime) ([]json.RawMessage, error) {
	running, err := rt.client.ListRunning(ctx)
	if err != nil {
		return nil, err
	}
	parked, err := rt.client.ListParked(ctx)
	if err != nil {
		return nil, err
	}
	var states []json.RawMessage
	for _, id := range slices.Compact(slices.Sorted(slices.Values(append(running, parked...)))) {
		st, err := rt.client.State(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("read the state of workflow %s: %w", id, err)
		}
		states = append(states, st)
	}
	return states, nil
}

// replayWith runs a small program in the module that replays the states
// with the workflow definitions of w (workflowtest.ReplayStates) and
// prints the results as JSON.
func replayWith(w *scaffold, states []json.RawMessage) ([]workflowtest.ReplayResult, error) {
	if len(states) == 0 {
		return nil, nil
	}
	dir, err := os.MkdirTemp(w.module.Dir, "_infgen-replay-")
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	defer os.RemoveAll(dir)
	data, err := json.Marshal(states)
	if err != nil {
		return nil, err
	}
	input := filepath.Join(dir, "states.json")
	if err := os.WriteFile(input, data, 0o600); err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	var src strings.Builder
	src.WriteString("package main\n\nimport (\n\t\"encoding/json\"\n\t\"fmt\"\n\t\"os\"\n\n\t\"github.com/infgen/infgen/runtime/workflowtest\"\n")
	for i, wf := range w.workflows {
		fmt.Fprintf(&src, "\tw%d %q\n", i, wf.pkg.ImportPath)
	}
	src.WriteString(")\n\nfunc main() {\n\tdata, err := os.ReadFile(os.Args[1])\n\tif err != nil {\n\t\tfmt.Fprintln(os.Stderr, err)\n\t\tos.Exit(1)\n\t}\n" +
		"\tvar states [][]byte\n\tvar raw []json.RawMessage\n\tif err := json.Unmarshal(data, &raw); err != nil {\n\t\tfmt.Fprintln(os.Stderr, err)\n\t\tos.Exit(1)\n\t}\n" +
		"\tfor _, r := range raw {\n\t\tstates = append(states, r)\n\t}\n\tres, err := workflowtest.ReplayStates(states")
	for i, wf := range w.workflows {
		call := ""
		if !wf.isVar {
			call = "()"
		}
		fmt.Fprintf(&src, ", w%d.%s%s", i, wf.name, call)
	}
	src.WriteString(")\n\tif err != nil {\n\t\tfmt.Fprintln(os.Stderr, err)\n\t\tos.Exit(1)\n\t}\n\t_ = json.NewEncoder(os.Stdout).Encode(res)\n}\n")
	main := filepath.Join(dir, "main.go")
	if err := os.WriteFile(main, []byte(src.String()), 0o644); err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	cmd := exec.Command("go", "run", main, input)
	cmd.Dir = w.module.Dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("replay with the new code (go run): %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	var results []workflowtest.ReplayResult
	if err := json.Unmarshal(out, &results); err != nil {
		return nil, fmt.Errorf("replay with the new code: unexpected output %q", out)
	}
	return results, nil
}

// replayReport turns replay results into findings: an error per workflow
// the new code does not replay, an info per workflow not replayed.
func replayReport(results []workflowtest.ReplayResult) *contract.Report {
	r := &contract.Report{InFlight: &contract.InFlight{Check: "replay", Workflows: len(results), Failing: []string{}}}
	for _, res := range results {
		op := fmt.Sprintf("workflow %s (%s v%d)", res.ID, res.Workflow, res.Version)
		switch {
		case res.Skipped:
			r.Findings = append(r.Findings, contract.Finding{Severity: contract.Info, Rule: "replay", Operation: op, Workflow: res.ID,
				Message: "not replayed: no --workflow defines " + res.Workflow})
		case res.Failed():
			msg := res.Error
			if res.Expected != "" {
				msg = fmt.Sprintf("not deterministic at step %d: history has %s, the new code issues %s", res.Step, res.Expected, res.Found)
			}
			r.Findings = append(r.Findings, contract.Finding{Severity: contract.Error, Rule: "replay", Operation: op, Workflow: res.ID, Step: res.Step, Message: msg})
			r.InFlight.Failing = append(r.InFlight.Failing, res.ID)
		default:
			r.InFlight.Replayed++
		}
	}
	return r
}

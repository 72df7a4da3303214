package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/infgen/infgen/runtime/client"
)

func newWorkflowStartCmd(flags *opsFlags) *cobra.Command {
	var p client.StartParams
	var input string
	var wait time.Duration
	cmd := &cobra.Command{
		Use:   "start WORKFLOW [JSON]",
		Short: "Start a workflow with a JSON input (an existing --id is found, not started twice)",
		Example: `  infgen workflow start billing.monthly --id cus_42 --tag billing \
    '{"customerId":"cus_42","email":"ada@example.com","firstMonth":"2026-12","months":12,"monthLength":2592000000000000}'`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			p.Workflow = args[0]
			if len(args) == 2 {
				input = args[1]
			}
			if input != "" {
				var err error
				if p.Input, err = jsonArg("input", input); err != nil {
					return err
				}
			}
			return flags.withRuntime(cmd, func(ctx context.Context, r *opsRuntime) error {
				if wait > 0 && r.offline { // refuse before anything is stored
					return withHint(errors.New("--wait needs a running worker: none holds the state file"),
						"start the worker first (its admin API serves this command), or drop --wait and read the result later with infgen workflow result")
				}
				id, err := r.client.Start(ctx, p)
				if errors.Is(err, client.ErrUnknownWorkflow) {
					return withHint(err, "check the name with infgen workers list; --allow-unregistered starts it anyway, to wait for a worker not deployed yet")
				}
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "workflow %s: %s\n", id, applied(r))
				if err := warnNoWorker(ctx, cmd, r, p.Workflow); err != nil {
					return err
				}
				if wait <= 0 {
					return nil
				}
				return printResult(ctx, cmd, r, id, wait)
			})
		},
	}
	cmd.Flags().StringVar(&p.ID, "id", "", "workflow id (default: a new random id)")
	cmd.Flags().StringSliceVar(&p.Tags, "tag", nil, "tag the workflow (repeat or comma-separate)")
	cmd.Flags().DurationVar(&p.Timeout, "timeout", 0, "fail the workflow if it has not finished after this long")
	cmd.Flags().BoolVar(&p.RestartIfFinished, "restart-if-finished", false, "when --id names a finished workflow, start a new run of it (default: return the finished one)")
	cmd.Flags().DurationVar(&wait, "wait", 0, "wait this long for the result and print it")
	cmd.Flags().BoolVar(&p.AllowUnregistered, "allow-unregistered", false, "start even though no worker has registered the workflow on this store yet (it waits for one)")
	return cmd
}

func newWorkflowResultCmd(flags *opsFlags) *cobra.Command {
	var wait time.Duration
	cmd := &cobra.Command{
		Use:   "result ID",
		Short: "Print a finished workflow's output as JSON (or its error), waiting up to --wait",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return flags.withRuntime(cmd, func(ctx context.Context, r *opsRuntime) error {
				return printResult(ctx, cmd, r, args[0], wait)
			})
		},
	}
	cmd.Flags().DurationVar(&wait, "wait", 0, "wait this long for a running workflow to finish (default: do not wait)")
	return cmd
}

// printResult prints the output of a finished workflow, or returns its
// failure; a workflow still running after wait is an error saying so.
func printResult(ctx context.Context, cmd *cobra.Command, r *opsRuntime, id string, wait time.Duration) error {
	if wait <= 0 { // look once
		d, err := r.client.Describe(ctx, id)
		if err != nil {
			return err
		}
		if !d.Status.Terminal() {
			return fmt.Errorf("workflow %s is still running (infgen workflow describe %s; --wait to wait for it)", id, id)
		}
		wait = time.Minute // it is finished: Await returns at once
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	out, err := r.client.Await(ctx, id)
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("workflow %s is still running (infgen workflow describe %s; --wait longer)", id, id)
	}
	if err != nil {
		return err
	}
	if out.Err != nil {
		return fmt.Errorf("workflow %s %s: %w", id, out.Status, out.Err)
	}
	return printJSON(cmd.OutOrStdout(), out.Output)
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/infgen/infgen/runtime/client"
)

// targetFlags pick workflows by id (the argument) or by --tag.
type targetFlags struct {
	tag string
}

func (f *targetFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.tag, "tag", "", "act on every running workflow carrying this tag instead of one id")
}

// target reads the id from args[0] unless --tag is set; it returns the
// arguments left.
func (f *targetFlags) target(args []string) (client.Target, []string, error) {
	if f.tag != "" {
		return client.Target{Tag: f.tag}, args, nil
	}
	if len(args) == 0 || args[0] == "" {
		return client.Target{}, nil, errors.New("name the workflow: pass its id, or --tag TAG")
	}
	return client.Target{ID: args[0]}, args[1:], nil
}

// applied says when what was written takes effect.
func applied(r *opsRuntime) string {
	if r.offline {
		return "stored in the state file; a worker applies it when it starts on the file"
	}
	return "delivered"
}

func newWorkflowSignalCmd(flags *opsFlags) *cobra.Command {
	var tf targetFlags
	var start client.StartParams
	var input, key string
	cmd := &cobra.Command{
		Use:   "signal (ID | --tag TAG) CHANNEL [JSON]",
		Short: "Send a signal (a JSON value, default null) on a workflow's signal channel",
		Example: `  infgen workflow signal cus_42 unsubscribe '{"reason":"moving abroad"}'
  infgen workflow signal --tag plan:trial unsubscribe '{"reason":"trial ended"}'
  infgen workflow signal order-7 event '{"paid":true}' --start order --input '{"id":"order-7"}'
  infgen workflow signal order-7 event '{"paid":true}' --key evt_81`,
		Args: cobra.RangeArgs(1, 3),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, rest, err := tf.target(args)
			if err != nil {
				return err
			}
			if len(rest) == 0 || len(rest) > 2 {
				return errors.New("want the signal's channel and, optionally, its JSON value")
			}
			value := json.RawMessage("null")
			if len(rest) == 2 {
				if value, err = jsonArg("signal value", rest[1]); err != nil {
					return err
				}
			}
			if key != "" && t.ID == "" {
				return errors.New("--key needs the workflow's id, not --tag")
			}
			if start.Workflow != "" {
				if t.ID == "" {
					return errors.New("--start needs the workflow's id, not --tag")
				}
				start.ID = t.ID
				if input != "" {
					if start.Input, err = jsonArg("--input", input); err != nil {
						return err
					}
				}
			}
			return flags.withRuntime(cmd, func(ctx context.Context, r *opsRuntime) error {
				if start.Workflow != "" {
					var err error
					if key != "" {
						_, err = r.client.SignalWithStartOnce(ctx, start, rest[0], key, value)
					} else {
						_, err = r.client.SignalWithStart(ctx, start, rest[0], value)
					}
					if err != nil {
						return err
					}
					fmt.Fprintf(cmd.OutOrStdout(), "signal %q sent to %s (started if it did not exist): %s\n", rest[0], t.ID, applied(r))
					return nil
				}
				if key != "" {
					if err := r.client.SignalOnce(ctx, t.ID, rest[0], key, value); err != nil {
						return err
					}
					fmt.Fprintf(cmd.OutOrStdout(), "signal %q with key %q sent to %s (once: a repeat of the key changes nothing): %s\n", rest[0], key, t.ID, applied(r))
					return nil
				}
				n, err := r.client.Signal(ctx, t, rest[0], value)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "signal %q sent to %d workflow(s): %s\n", rest[0], n, applied(r))
				return nil
			})
		},
	}
	tf.register(cmd)
	cmd.Flags().StringVar(&start.Workflow, "start", "", "start this workflow with the id first when it does not exist (signal-with-start)")
	cmd.Flags().StringVar(&input, "input", "", "with --start: the workflow's JSON input")
	cmd.Flags().BoolVar(&start.RestartIfFinished, "restart-if-finished", false, "with --start: start a new run when the workflow has finished")
	cmd.Flags().StringVar(&key, "key", "", "deliver at most once per key (a webhook's delivery id): a signal whose key the workflow has received changes nothing")
	return cmd
}

// jsonArg checks that a command-line argument is JSON.
func jsonArg(what, arg string) (json.RawMessage, error) {
	if !json.Valid([]byte(arg)) {
		return nil, fmt.Errorf("the %s %q is not JSON (quote strings: '\"text\"')", what, arg)
	}
	return json.RawMessage(arg), nil
}

func newWorkflowCancelCmd(flags *opsFlags) *cobra.Command {
	var tf targetFlags
	cmd := &cobra.Command{
		Use:   "cancel (ID | --tag TAG)",
		Short: "Cancel workflows: their children are canceled and their pending tasks abandoned",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, rest, err := tf.target(args)
			if err != nil {
				return err
			}
			if len(rest) > 0 {
				return errors.New("pass either an id or --tag, not both")
			}
			return flags.withRuntime(cmd, func(ctx context.Context, r *opsRuntime) error {
				n, err := r.client.Cancel(ctx, t)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "cancellation sent to %d workflow(s): %s\n", n, applied(r))
				return nil
			})
		},
	}
	tf.register(cmd)
	return cmd
}

func newWorkflowRestartCmd(flags *opsFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "restart ID",
		Short: "Start a new run of a finished workflow with the input and tags of its last run",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return flags.withRuntime(cmd, func(ctx context.Context, r *opsRuntime) error {
				run, err := r.client.Restart(ctx, args[0])
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s restarted: run %d: %s\n", args[0], run, applied(r))
				return nil
			})
		},
	}
}

func newWorkflowRetryCmd(flags *opsFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "retry ID",
		Short: "Run again the tasks whose final failure failed a workflow; it goes on as if they had not failed",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return flags.withRuntime(cmd, func(ctx context.Context, r *opsRuntime) error {
				n, err := r.client.RetryTasks(ctx, args[0])
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%d task(s) retried: %s\n", n, applied(r))
				return nil
			})
		},
	}
}

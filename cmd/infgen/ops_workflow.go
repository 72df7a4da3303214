package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/infgen/infgen/runtime/client"
)

// newWorkflowCmd builds `infgen workflow`: inspect and steer running
// workflows from the command line.
func newWorkflowCmd() *cobra.Command {
	var flags opsFlags
	cmd := &cobra.Command{
		Use:     "workflow",
		Aliases: []string{"wf"},
		Short:   "Start, inspect and steer workflows (start, result, list, describe, state, signal, update, cancel, retry)",
		Long: `Start, inspect and steer workflows on the runtime the environment selects, as a worker would:
Pulsar with a shared storage when INFGEN_PULSAR_URL is set, else the embedded state file
(--db). On the embedded default the worker holding the state file serves these commands
through its admin API, whose address it records beside the file (FILE.admin); with no worker
running, the file is opened here and what is written is applied when a worker next starts.
--admin ADDR (or INFGEN_ADMIN_ADDR) names a worker's admin API explicitly.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	flags.register(cmd)
	cmd.AddCommand(newWorkflowStartCmd(&flags), newWorkflowResultCmd(&flags),
		newWorkflowListCmd(&flags), newWorkflowDescribeCmd(&flags), newWorkflowStateCmd(&flags),
		newWorkflowSignalCmd(&flags), newWorkflowUpdateCmd(&flags), newWorkflowCancelCmd(&flags), newWorkflowRetryCmd(&flags), newWorkflowRestartCmd(&flags))
	return cmd
}

func newWorkflowListCmd(flags *opsFlags) *cobra.Command {
	var tag, prefix, after, name, status string
	var limit int
	var parked, asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List running workflows (or those with --tag, or --parked)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return flags.withRuntime(cmd, func(ctx context.Context, r *opsRuntime) error {
				var ids []string
				var err error
				switch {
				case tag != "" && parked:
					return errors.New("--tag and --parked select different lists: pass one")
				case prefix != "" || after != "" || limit != 0 || name != "" || status != "":
					page, perr := r.client.List(ctx, client.ListParams{Tag: tag, Parked: parked, Name: name, Status: client.Status(status),
						Prefix: prefix, After: after, Limit: cmp.Or(limit, 100)})
					if perr != nil {
						return perr
					}
					ids = page.IDs
					if page.Next != "" {
						defer fmt.Fprintf(cmd.ErrOrStderr(), "more: the next page is --after %s\n", page.Next)
					}
				case tag != "":
					ids, err = r.client.ListByTag(ctx, tag)
				case parked:
					ids, err = r.client.ListParked(ctx)
				default:
					ids, err = r.client.ListRunning(ctx)
				}
				if err != nil {
					return err
				}
				ds := make([]*client.Description, 0, len(ids))
				for _, id := range ids {
					d, err := r.client.Describe(ctx, id)
					if errors.Is(err, client.ErrNotFound) {
						continue // deleted meanwhile
					}
					if err != nil {
						return err
					}
					ds = append(ds, d)
				}
				if asJSON {
					return printJSON(cmd.OutOrStdout(), ds)
				}
				return printDescriptions(cmd.OutOrStdout(), ds)
			})
		},
	}
	cmd.Flags().StringVar(&tag, "tag", "", "list the workflows carrying this tag (finished ones included)")
	cmd.Flags().BoolVar(&parked, "parked", false, "list the workflows parked on code that cannot replay them")
	cmd.Flags().StringVar(&prefix, "prefix", "", "only the workflows whose id starts with this")
	cmd.Flags().StringVar(&name, "name", "", "list the workflows of this name (finished ones included, unless --status)")
	cmd.Flags().StringVar(&status, "status", "", "only the workflows in this status: running, parked, completed, failed, canceled")
	cmd.Flags().IntVar(&limit, "limit", 0, "list a page of at most this many workflows (1 to 1000; default 100 with --prefix or --after, else all)")
	cmd.Flags().StringVar(&after, "after", "", "list the page after this id (the one the previous page names)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newWorkflowDescribeCmd(flags *opsFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "describe ID",
		Short: "Summarize a workflow: status, run, pending work, why it is parked (JSON)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return flags.withRuntime(cmd, func(ctx context.Context, r *opsRuntime) error {
				d, err := r.client.Describe(ctx, args[0])
				if err != nil {
					return err
				}
				return printJSON(cmd.OutOrStdout(), d)
			})
		},
	}
}

func newWorkflowStateCmd(flags *opsFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "state ID",
		Short: "Print a workflow's whole state, its recorded history included, as JSON (input of workflowtest.Replay)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return flags.withRuntime(cmd, func(ctx context.Context, r *opsRuntime) error {
				raw, err := r.client.State(ctx, args[0])
				if err != nil {
					return err
				}
				return printJSON(cmd.OutOrStdout(), raw)
			})
		},
	}
}

// printDescriptions writes one line per workflow.
func printDescriptions(w io.Writer, ds []*client.Description) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tWORKFLOW\tVERSION\tSTATUS\tRUN\tSTEPS\tPENDING\tUPDATED\tPARKED")
	for _, d := range ds {
		pending := fmt.Sprintf("%d tasks, %d timers, %d children", d.PendingTasks, d.PendingTimers, d.PendingChildren)
		if n := len(d.InSteps); n > 0 {
			pending += fmt.Sprintf(", %d running in a step", n)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%d\t%d\t%s\t%s\t%s\n", d.ID, d.Name, d.Version, d.Status, d.Run, d.Steps,
			pending, d.Updated.Local().Format(time.DateTime), d.Parked)
	}
	return tw.Flush()
}

// printJSON writes v as indented JSON; raw JSON keeps its key order.
func printJSON(w io.Writer, v any) error {
	if raw, ok := v.(json.RawMessage); ok {
		var buf bytes.Buffer
		if err := json.Indent(&buf, raw, "", "  "); err != nil {
			return fmt.Errorf("stored JSON is corrupt: %w", err)
		}
		buf.WriteByte('\n')
		_, err := w.Write(buf.Bytes())
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/infgen/infgen/runtime/client"
)

// newWorkersCmd builds `infgen workers`: the worker registry.
func newWorkersCmd() *cobra.Command {
	var flags opsFlags
	cmd := &cobra.Command{
		Use:   "workers",
		Short: "Show the workers registered on the store: what they serve, where they run, whether they are alive",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	flags.register(cmd)
	var asJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "List the workers that ever registered on the store (live, stale or stopped)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return flags.withRuntime(cmd, func(ctx context.Context, r *opsRuntime) error {
				ws, err := r.client.Workers(ctx)
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(cmd.OutOrStdout(), ws)
				}
				return printWorkers(cmd.OutOrStdout(), ws, time.Now())
			})
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.AddCommand(list)
	return cmd
}

// workerState is live, stale (not seen for three heartbeats) or stopped.
func workerState(w *client.WorkerInfo, now time.Time) string {
	switch {
	case w.Stopped:
		return "stopped"
	case w.Live(now):
		return "live"
	}
	return "stale"
}

func printWorkers(out io.Writer, ws []client.WorkerInfo, now time.Time) error {
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATE\tLAST SEEN\tHOST\tPID\tVERSION\tADMIN\tWORKFLOWS\tSERVICES")
	for i := range ws {
		w := &ws[i]
		var wfs, svcs []string
		for _, wf := range w.Workflows {
			wfs = append(wfs, wf.Name)
		}
		for _, s := range w.Services {
			svcs = append(svcs, fmt.Sprintf("%s(%d)", s.Name, len(s.Methods)))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n", w.ID, workerState(w, now), ago(now, w.LastSeen),
			w.Host, w.PID, w.Version, dash(w.Admin), dash(strings.Join(wfs, ",")), dash(strings.Join(svcs, ",")))
	}
	return tw.Flush()
}

// warnNoWorker tells, on stderr, when no live worker serves a workflow just
// started: none ever did, or when one was last seen.
func warnNoWorker(ctx context.Context, cmd *cobra.Command, r *opsRuntime, name string) error {
	ws, err := r.client.Workers(ctx)
	if err != nil {
		return err
	}
	now := time.Now()
	var last *client.WorkerInfo
	for i := range ws {
		w := &ws[i]
		if !w.Serves(name) {
			continue
		}
		if w.Live(now) {
			return nil
		}
		if last == nil || w.LastSeen.After(last.LastSeen) {
			last = w
		}
	}
	switch {
	case r.offline:
		return nil // applied when a worker starts on the file; applied() said so
	case last == nil:
		fmt.Fprintf(cmd.ErrOrStderr(), "waiting for a worker: none serves %s\n", name)
	default:
		fmt.Fprintf(cmd.ErrOrStderr(), "waiting for a worker: none live serves %s (last seen %s, %s pid %d)\n",
			name, ago(now, last.LastSeen), last.Host, last.PID)
	}
	return nil
}

// ago says how long ago t was, to the second.
func ago(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return now.Sub(t).Round(time.Second).String() + " ago"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/infgen/infgen/runtime/client"
)

// newScheduleCmd builds `infgen schedule`: durable schedules that start
// workflows.
func newScheduleCmd() *cobra.Command {
	var flags opsFlags
	cmd := &cobra.Command{
		Use:   "schedule",
		Short: "Create and steer schedules that start workflows (create, update, list, describe, pause, resume, trigger, backfill, delete)",
		Long: `Create and steer durable schedules: each firing starts a workflow whose id is the schedule's
id and the firing's time (nightly@2026-12-07T02:00:00Z), so that none starts twice. Workers
fire them; these commands reach the runtime as infgen workflow does (--db, --admin, Pulsar).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	flags.register(cmd)
	cmd.AddCommand(newScheduleCreateCmd(&flags), newScheduleUpdateCmd(&flags), newScheduleListCmd(&flags), newScheduleDescribeCmd(&flags),
		newSchedulePauseCmd(&flags), newScheduleResumeCmd(&flags), newScheduleTriggerCmd(&flags),
		newScheduleBackfillCmd(&flags), newScheduleDeleteCmd(&flags))
	return cmd
}

// scheduleErr adds the hint of an unknown schedule id.
func scheduleErr(err error) error {
	if errors.Is(err, client.ErrScheduleNotFound) {
		return withHint(err, "infgen schedule list shows the schedules")
	}
	return err
}

// cronHint is the hint of a bad cron expression.
const cronHint = `a cron expression has 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first, ` +
	`e.g. "0 2 * * *"; @daily and @every 90m work too; CRON_TZ=Europe/Paris in front (or --tz) sets its time zone; --every 1h fires at a fixed interval`

func newScheduleCreateCmd(flags *opsFlags) *cobra.Command {
	var p client.ScheduleParams
	var overlap, catchUp string
	cmd := &cobra.Command{
		Use:   "create ID WORKFLOW [JSON] (--cron EXPR | --every DURATION)",
		Short: "Create a schedule that starts WORKFLOW with a JSON input (default null) at each firing",
		Example: `  infgen schedule create nightly-report report.daily --cron '0 2 * * *' --tz Europe/Paris '{"format":"pdf"}'
  infgen schedule create sync inventory.sync --every 15m --overlap buffer-one --jitter 30s`,
		Args: cobra.RangeArgs(2, 3),
		RunE: func(cmd *cobra.Command, args []string) error {
			p.ID, p.Workflow = args[0], args[1]
			if len(args) == 3 {
				in, err := jsonArg("input", args[2])
				if err != nil {
					return err
				}
				p.Input = in
			}
			p.Overlap, p.CatchUp = client.OverlapPolicy(overlap), client.CatchUpPolicy(catchUp)
			return flags.withRuntime(cmd, func(ctx context.Context, r *opsRuntime) error {
				info, err := r.client.CreateSchedule(ctx, p)
				switch {
				case errors.Is(err, client.ErrBadSchedule) && strings.HasPrefix(err.Error(), "bad cron "):
					return withHint(fmt.Errorf("schedule create: %w", err), cronHint)
				case errors.Is(err, client.ErrUnknownWorkflow):
					return withHint(fmt.Errorf("schedule create: %w", err),
						"check the name with infgen workers list; --allow-unregistered creates it anyway, to wait for a worker not deployed yet")
				case errors.Is(err, client.ErrScheduleExists):
					return withHint(fmt.Errorf("schedule create: %w", err), "infgen schedule describe %s shows it; delete it first to replace it", p.ID)
				case err != nil:
					return fmt.Errorf("schedule create: %w", err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "schedule %s: %s\n", info.Spec.ID, applied(r))
				if len(info.Next) > 0 {
					fmt.Fprintf(cmd.OutOrStdout(), "next: %s\n", formatTimes(info.Next))
				}
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&p.Cron, "cron", "", "cron expression: 5 fields, or 6 with seconds first; @daily, @every 90m; a CRON_TZ=ZONE prefix")
	f.DurationVar(&p.Every, "every", 0, "fire at a fixed interval instead (at its multiples since the Unix epoch: 1h fires on the hour)")
	f.StringVar(&p.TimeZone, "tz", "", "time zone of the cron expression (default UTC), e.g. Europe/Paris")
	f.StringVar(&overlap, "overlap", "", "while the previous run still runs: skip (default), buffer-one or allow-all")
	f.StringVar(&catchUp, "catch-up", "", "firings missed while no worker ran: last (default: start the newest), none or all")
	f.DurationVar(&p.CatchUpWindow, "catch-up-window", 0, "how late a firing may still start as usual (default 1m); later ones were missed")
	f.DurationVar(&p.Jitter, "jitter", 0, "delay each firing by up to this long (the same delay on every worker)")
	f.StringSliceVar(&p.Tags, "tag", nil, "tag the runs (repeat or comma-separate); they also carry schedule:ID")
	f.DurationVar(&p.Timeout, "timeout", 0, "fail a run if it has not finished after this long")
	f.BoolVar(&p.Paused, "paused", false, "create it paused (infgen schedule resume starts it)")
	f.StringVar(&p.Note, "note", "", "why it is paused (with --paused)")
	f.BoolVar(&p.AllowUnregistered, "allow-unregistered", false, "create it even though no worker has registered the workflow on this store yet")
	return cmd
}

func newScheduleUpdateCmd(flags *opsFlags) *cobra.Command {
	var (
		workflow, cron, tz, overlap, catchUp, note string
		every, catchUpWindow, jitter, timeout      time.Duration
		tags                                       []string
		paused, allowUnregistered                  bool
	)
	cmd := &cobra.Command{
		Use:   "update ID [JSON] [flags]",
		Short: "Change a schedule: the flags given (as create's) and the JSON input replace its own, the rest stays",
		Long: `Change a schedule in one write: only what the flags and the JSON input give changes; an
update that is refused changes nothing. A new --cron, --every or --tz, or --paused=false,
makes the next firing the first of its times after now; the runs started already keep their
ids. --cron replaces an interval and --every a cron expression.`,
		Example: `  infgen schedule update nightly-report --cron '30 3 * * *' --tz Europe/Paris
  infgen schedule update sync --every 5m --overlap allow-all --jitter 0s '{"full":true}'
  infgen schedule update sync --paused --note 'supplier API down'`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id := args[0]
			var u client.ScheduleUpdate
			if len(args) == 2 {
				in, err := jsonArg("input", args[1])
				if err != nil {
					return err
				}
				u.Input = in
			}
			given := cmd.Flags().Changed
			changes := len(args) == 2
			for _, set := range []bool{
				optional(given, "workflow", &u.Workflow, workflow),
				optional(given, "cron", &u.Cron, cron),
				optional(given, "tz", &u.TimeZone, tz),
				optional(given, "every", &u.Every, every),
				optional(given, "overlap", &u.Overlap, client.OverlapPolicy(overlap)),
				optional(given, "catch-up", &u.CatchUp, client.CatchUpPolicy(catchUp)),
				optional(given, "catch-up-window", &u.CatchUpWindow, catchUpWindow),
				optional(given, "jitter", &u.Jitter, jitter),
				optional(given, "timeout", &u.Timeout, timeout),
				optional(given, "tag", &u.Tags, tags),
				optional(given, "paused", &u.Paused, paused),
				optional(given, "note", &u.Note, note),
			} {
				changes = changes || set
			}
			u.AllowUnregistered = allowUnregistered
			if !changes {
				return withHint(fmt.Errorf("schedule update: nothing to change"), "give the flags to change (as for infgen schedule create) or a JSON input")
			}
			return flags.withRuntime(cmd, func(ctx context.Context, r *opsRuntime) error {
				info, err := r.client.UpdateSchedule(ctx, id, u)
				switch {
				case errors.Is(err, client.ErrBadSchedule) && strings.HasPrefix(err.Error(), "bad cron "):
					return withHint(fmt.Errorf("schedule update: %w", err), cronHint)
				case errors.Is(err, client.ErrUnknownWorkflow):
					return withHint(fmt.Errorf("schedule update: %w", err),
						"check the name with infgen workers list; --allow-unregistered accepts it anyway")
				case err != nil:
					return scheduleErr(fmt.Errorf("schedule update: %w", err))
				}
				fmt.Fprintf(cmd.OutOrStdout(), "schedule %s: updated: %s, %s\n", info.Spec.ID, when(&info.Spec), scheduleState(info))
				if len(info.Next) > 0 {
					fmt.Fprintf(cmd.OutOrStdout(), "next: %s\n", formatTimes(info.Next))
				}
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&workflow, "workflow", "", "start this workflow at each firing instead")
	f.StringVar(&cron, "cron", "", "cron expression (replaces an interval): 5 fields, or 6 with seconds first; @daily, @every 90m")
	f.DurationVar(&every, "every", 0, "fire at a fixed interval instead (replaces a cron expression)")
	f.StringVar(&tz, "tz", "", "time zone of the cron expression (\"\": UTC)")
	f.StringVar(&overlap, "overlap", "", "while the previous run still runs: skip, buffer-one or allow-all")
	f.StringVar(&catchUp, "catch-up", "", "firings missed while no worker ran: last, none or all")
	f.DurationVar(&catchUpWindow, "catch-up-window", 0, "how late a firing may still start as usual")
	f.DurationVar(&jitter, "jitter", 0, "delay each firing by up to this long (0s: none)")
	f.StringSliceVar(&tags, "tag", nil, "tag the runs with these tags instead (repeat or comma-separate)")
	f.DurationVar(&timeout, "timeout", 0, "fail a run if it has not finished after this long (0s: never)")
	f.BoolVar(&paused, "paused", false, "pause it (--paused=false resumes it)")
	f.StringVar(&note, "note", "", "why it is paused")
	f.BoolVar(&allowUnregistered, "allow-unregistered", false, "accept a --workflow no worker has registered on this store yet")
	return cmd
}

// optional sets *dst to v when the flag name was given, and reports
// whether it was: an update changes only what its flags give.
func optional[T any](given func(name string) bool, name string, dst **T, v T) bool {
	if !given(name) {
		return false
	}
	*dst = &v
	return true
}

func newScheduleListCmd(flags *opsFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the schedules: when they fire, their next firing and their last run",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return flags.withRuntime(cmd, func(ctx context.Context, r *opsRuntime) error {
				list, err := r.client.ListSchedules(ctx)
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(cmd.OutOrStdout(), list)
				}
				return printSchedules(cmd.OutOrStdout(), list)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func printSchedules(out io.Writer, list []client.ScheduleInfo) error {
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tWORKFLOW\tWHEN\tSTATE\tNEXT\tLAST RUN\tSTARTED\tSKIPPED\tMISSED")
	for i := range list {
		s := &list[i]
		next := "-"
		if len(s.Next) > 0 {
			next = s.Next[0].Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\n", s.Spec.ID, s.Spec.Workflow, when(&s.Spec), scheduleState(s),
			next, dash(s.LastRun), s.Started, s.Skipped, s.Missed)
	}
	return tw.Flush()
}

// when says when a schedule fires.
func when(s *client.ScheduleSpec) string {
	if s.Every > 0 {
		return "every " + s.Every.String()
	}
	if s.TimeZone != "" {
		return s.Cron + " (" + s.TimeZone + ")"
	}
	return s.Cron
}

func scheduleState(s *client.ScheduleInfo) string {
	if s.Paused {
		return "paused"
	}
	return "active"
}

func formatTimes(ts []time.Time) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = t.Format(time.RFC3339)
	}
	return strings.Join(parts, ", ")
}

func newScheduleDescribeCmd(flags *opsFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "describe ID",
		Short: "Show a schedule: its spec and policies, next firings, pending and recent runs",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return flags.withRuntime(cmd, func(ctx context.Context, r *opsRuntime) error {
				s, err := r.client.DescribeSchedule(ctx, args[0])
				if err != nil {
					return scheduleErr(err)
				}
				if asJSON {
					return printJSON(cmd.OutOrStdout(), s)
				}
				return describeSchedule(cmd.OutOrStdout(), s)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func describeSchedule(out io.Writer, s *client.ScheduleInfo) error {
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	sp := &s.Spec
	state := scheduleState(s)
	if s.Note != "" {
		state += " (" + s.Note + ")"
	}
	rows := [][2]string{
		{"id", sp.ID}, {"workflow", sp.Workflow}, {"input", string(sp.Input)}, {"when", when(sp)}, {"state", state},
		{"overlap", string(sp.Overlap)},
		{"catch-up", fmt.Sprintf("%s (window %s)", sp.CatchUp, sp.CatchUpWindow)},
	}
	if sp.Jitter > 0 {
		rows = append(rows, [2]string{"jitter", sp.Jitter.String()})
	}
	if len(sp.Tags) > 0 {
		rows = append(rows, [2]string{"tags", strings.Join(sp.Tags, ",")})
	}
	if len(s.Next) > 0 {
		rows = append(rows, [2]string{"next", formatTimes(s.Next)})
	}
	last := dash(s.LastRun)
	if s.LastRunStatus != "" {
		last += " (" + string(s.LastRunStatus) + ")"
	}
	rows = append(rows, [2]string{"last run", last},
		[2]string{"firings", fmt.Sprintf("%d started, %d skipped (overlap), %d missed (catch-up)", s.Started, s.Skipped, s.Missed)})
	if s.Buffered != nil {
		rows = append(rows, [2]string{"buffered", s.Buffered.ID})
	}
	for _, f := range s.Pending {
		rows = append(rows, [2]string{"pending", f.ID + " (" + f.Reason + ")"})
	}
	for i := len(s.Recent) - 1; i >= 0; i-- {
		f := s.Recent[i]
		rows = append(rows, [2]string{"recent", fmt.Sprintf("%s (%s, started %s)", f.ID, f.Reason, f.Started.Format(time.RFC3339))})
	}
	for _, r := range rows {
		fmt.Fprintf(tw, "%s:\t%s\n", r[0], r[1])
	}
	return tw.Flush()
}

func newSchedulePauseCmd(flags *opsFlags) *cobra.Command {
	var note string
	cmd := &cobra.Command{
		Use:   "pause ID",
		Short: "Pause a schedule: it fires no more until resumed",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return flags.withRuntime(cmd, func(ctx context.Context, r *opsRuntime) error {
				if err := r.client.PauseSchedule(ctx, args[0], note); err != nil {
					return scheduleErr(err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "schedule %s: paused\n", args[0])
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&note, "note", "", "why (shown by list and describe)")
	return cmd
}

func newScheduleResumeCmd(flags *opsFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "resume ID",
		Short: "Resume a paused schedule at its next time (the times that passed while paused do not fire)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return flags.withRuntime(cmd, func(ctx context.Context, r *opsRuntime) error {
				if err := r.client.ResumeSchedule(ctx, args[0]); err != nil {
					return scheduleErr(err)
				}
				s, err := r.client.DescribeSchedule(ctx, args[0])
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "schedule %s: resumed\n", args[0])
				if len(s.Next) > 0 {
					fmt.Fprintf(cmd.OutOrStdout(), "next: %s\n", s.Next[0].Format(time.RFC3339))
				}
				return nil
			})
		},
	}
}

func newScheduleTriggerCmd(flags *opsFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "trigger ID",
		Short: "Start a run of the schedule now, whatever its overlap policy, even while paused",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return flags.withRuntime(cmd, func(ctx context.Context, r *opsRuntime) error {
				id, err := r.client.TriggerSchedule(ctx, args[0])
				if err != nil {
					return scheduleErr(err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "workflow %s: %s\n", id, applied(r))
				return nil
			})
		},
	}
}

func newScheduleBackfillCmd(flags *opsFlags) *cobra.Command {
	var from, to string
	cmd := &cobra.Command{
		Use:     "backfill ID --from TIME --to TIME",
		Short:   "Start a run for every time the schedule fires in [--from, --to] (a time with a run already keeps it)",
		Example: `  infgen schedule backfill nightly-report --from 2026-11-01 --to 2026-11-30T23:59:59Z`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := parseTime("--from", from)
			if err != nil {
				return err
			}
			t, err := parseTime("--to", to)
			if err != nil {
				return err
			}
			return flags.withRuntime(cmd, func(ctx context.Context, r *opsRuntime) error {
				ids, err := r.client.BackfillSchedule(ctx, args[0], f, t)
				if err != nil {
					return scheduleErr(err)
				}
				for _, id := range ids {
					fmt.Fprintf(cmd.OutOrStdout(), "workflow %s: %s\n", id, applied(r))
				}
				if len(ids) == 0 {
					fmt.Fprintf(cmd.OutOrStdout(), "schedule %s does not fire from %s to %s\n", args[0], from, to)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "first time (RFC 3339, or a UTC date 2006-01-02)")
	cmd.Flags().StringVar(&to, "to", "", "last time, included (RFC 3339, or a UTC date 2006-01-02)")
	_ = cmd.MarkFlagRequired("from")
	_ = cmd.MarkFlagRequired("to")
	return cmd
}

// parseTime reads an RFC 3339 time or a UTC date.
func parseTime(flag, s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%s %q is not a time: want RFC 3339 (2026-12-07T10:00:00Z) or a date (2026-12-07)", flag, s)
}

func newScheduleDeleteCmd(flags *opsFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "delete ID",
		Short: "Delete a schedule: it fires no more; the runs it started go on",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return flags.withRuntime(cmd, func(ctx context.Context, r *opsRuntime) error {
				if err := r.client.DeleteSchedule(ctx, args[0]); err != nil {
					return scheduleErr(err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "schedule %s: deleted\n", args[0])
				return nil
			})
		},
	}
}

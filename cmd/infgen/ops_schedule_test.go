package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/admin"
	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// echo returns its input.
func echo(_ workflow.Context, in string) (string, error) { return in, nil }

// TestScheduleCommandsBesideARunningWorker runs every schedule command on
// a state file while a worker holds it, through its admin API.
func TestScheduleCommandsBesideARunningWorker(t *testing.T) {
	t.Setenv("INFGEN_PULSAR_URL", "")
	t.Setenv(admin.EnvAddr, "")
	t.Setenv(admin.EnvToken, "")
	db := filepath.Join(t.TempDir(), "state.db")
	rt, err := local.Open(db)
	require.NoError(t, err)
	addr, err := rt.ServeAdmin(t.Context(), admin.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	w, err := rt.NewWorker(worker.Options{Logger: slog.New(slog.DiscardHandler), Admin: addr})
	require.NoError(t, err)
	require.NoError(t, worker.RegisterWorkflow(w, "report", echo))
	require.NoError(t, w.Start(t.Context()))
	defer func() { _ = w.Stop(); _ = rt.Close() }()
	c, err := rt.NewClient(t.Context())
	require.NoError(t, err)
	defer c.Close()

	// Refused: nothing is stored.
	_, err = infgen(t, "schedule", "create", "nightly", "report", "--cron", "0 2 * *", "--db", db)
	require.ErrorIs(t, err, client.ErrBadSchedule)
	require.ErrorContains(t, err, `schedule create: bad cron "0 2 * *": `)
	_, err = infgen(t, "schedule", "create", "nightly", "reprot", "--cron", "0 2 * * *", "--db", db)
	require.ErrorIs(t, err, client.ErrUnknownWorkflow)
	out, err := infgen(t, "schedule", "list", "--db", db)
	require.NoError(t, err)
	require.NotContains(t, out, "nightly")

	out, err = infgen(t, "schedule", "create", "nightly", "report", `"pdf"`, "--cron", "0 2 * * *", "--tz", "Europe/Paris",
		"--overlap", "buffer-one", "--catch-up", "none", "--jitter", "10s", "--tag", "reports", "--db", db)
	require.NoError(t, err, out)
	require.Regexp(t, `^schedule nightly: delivered\nnext: \d{4}-\d\d-\d\dT01:00:00Z, `, out)
	_, err = infgen(t, "schedule", "create", "nightly", "report", "--every", "1h", "--db", db)
	require.ErrorIs(t, err, client.ErrScheduleExists)

	out, err = infgen(t, "schedule", "list", "--db", db)
	require.NoError(t, err)
	require.Regexp(t, `(?m)^nightly\s+report\s+0 2 \* \* \* \(Europe/Paris\)\s+active\s+\S+T01:00:00Z\s+-\s+0\s+0\s+0$`, out)

	out, err = infgen(t, "schedule", "pause", "nightly", "--note", "migration", "--db", db)
	require.NoError(t, err)
	require.Equal(t, "schedule nightly: paused\n", out)
	out, err = infgen(t, "schedule", "describe", "nightly", "--db", db)
	require.NoError(t, err)
	require.Contains(t, out, "state:     paused (migration)\n")
	require.Contains(t, out, "overlap:   buffer-one\n")
	require.Contains(t, out, "catch-up:  none (window 1m0s)\n")

	out, err = infgen(t, "schedule", "trigger", "nightly", "--db", db)
	require.NoError(t, err)
	m := regexp.MustCompile(`^workflow (nightly@\S+Z): delivered\n$`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	out, err = infgen(t, "workflow", "result", m[1], "--wait", "10s", "--db", db)
	require.NoError(t, err)
	require.Equal(t, "\"pdf\"\n", out)

	out, err = infgen(t, "schedule", "resume", "nightly", "--db", db)
	require.NoError(t, err)
	require.Regexp(t, `^schedule nightly: resumed\nnext: \S+T01:00:00Z\n$`, out)

	out, err = infgen(t, "schedule", "backfill", "nightly", "--from", "2026-11-01", "--to", "2026-11-03T12:00:00Z", "--db", db)
	require.NoError(t, err)
	require.Equal(t, "workflow nightly@2026-11-01T01:00:00Z: delivered\nworkflow nightly@2026-11-02T01:00:00Z: delivered\n"+
		"workflow nightly@2026-11-03T01:00:00Z: delivered\n", out)
	_, err = infgen(t, "schedule", "backfill", "nightly", "--from", "yesterday", "--to", "2026-11-03", "--db", db)
	require.ErrorContains(t, err, `--from "yesterday" is not a time`)
	ids, err := c.ListByTag(context.Background(), "schedule:nightly")
	require.NoError(t, err)
	require.Len(t, ids, 4)

	out, err = infgen(t, "schedule", "describe", "nightly", "--json", "--db", db)
	require.NoError(t, err)
	require.Contains(t, out, `"started": 4`)
	out, err = infgen(t, "schedule", "describe", "nightly", "--db", db)
	require.NoError(t, err)
	require.Contains(t, out, "firings:   4 started, 0 skipped (overlap), 0 missed (catch-up)\n")
	require.Equal(t, 4, strings.Count(out, "\nrecent:"))

	// Update: refused changes nothing; accepted, the times and the input
	// change and the runs started keep their ids.
	before, err := infgen(t, "schedule", "describe", "nightly", "--json", "--db", db)
	require.NoError(t, err)
	_, err = infgen(t, "schedule", "update", "nightly", "--cron", "61 * * * *", "--db", db)
	require.ErrorIs(t, err, client.ErrBadSchedule)
	require.ErrorContains(t, err, `schedule update: update schedule nightly: bad cron "61 * * * *": `)
	_, err = infgen(t, "schedule", "update", "nightly", "--workflow", "reprot", "--db", db)
	require.ErrorIs(t, err, client.ErrUnknownWorkflow)
	_, err = infgen(t, "schedule", "update", "nightly", "--db", db)
	require.ErrorContains(t, err, "schedule update: nothing to change")
	after, err := infgen(t, "schedule", "describe", "nightly", "--json", "--db", db)
	require.NoError(t, err)
	require.JSONEq(t, before, after, "a refused update changed the schedule")
	out, err = infgen(t, "schedule", "update", "nightly", `"csv"`, "--every", "1h", "--overlap", "allow-all", "--jitter", "0s", "--db", db)
	require.NoError(t, err, out)
	require.Regexp(t, `^schedule nightly: updated: every 1h0m0s, active\nnext: \S+T\d\d:00:00Z, `, out)
	out, err = infgen(t, "schedule", "describe", "nightly", "--db", db)
	require.NoError(t, err)
	require.Contains(t, out, "overlap:   allow-all\n")
	require.Contains(t, out, "catch-up:  none (window 1m0s)\n", "a field the update did not give changed")
	// The hourly times, with the new input (the cron expression fired
	// at 01:00Z only).
	out, err = infgen(t, "schedule", "backfill", "nightly", "--from", "2026-10-01T05:00:00Z", "--to", "2026-10-01T05:59:00Z", "--db", db)
	require.NoError(t, err)
	require.Equal(t, "workflow nightly@2026-10-01T05:00:00Z: delivered\n", out)
	out, err = infgen(t, "workflow", "result", "nightly@2026-10-01T05:00:00Z", "--wait", "10s", "--db", db)
	require.NoError(t, err)
	require.Equal(t, "\"csv\"\n", out)
	idsAfter, err := c.ListByTag(context.Background(), "schedule:nightly")
	require.NoError(t, err)
	require.Subset(t, idsAfter, ids, "a run started before the update lost its id")
	out, err = infgen(t, "schedule", "update", "nightly", "--paused", "--note", "supplier down", "--db", db)
	require.NoError(t, err)
	require.Equal(t, "schedule nightly: updated: every 1h0m0s, paused\n", out)

	out, err = infgen(t, "schedule", "delete", "nightly", "--db", db)
	require.NoError(t, err)
	require.Equal(t, "schedule nightly: deleted\n", out)
	_, err = infgen(t, "schedule", "describe", "nightly", "--db", db)
	require.ErrorIs(t, err, client.ErrScheduleNotFound)
}

// TestScheduleCommandsOnAStateFile: with no worker running, the CLI stores
// a schedule and a triggered run in the file; a worker started on it
// fires the schedule and starts the run.
func TestScheduleCommandsOnAStateFile(t *testing.T) {
	t.Setenv("INFGEN_PULSAR_URL", "")
	t.Setenv(admin.EnvAddr, "")
	db := filepath.Join(t.TempDir(), "state.db")
	_, _, stop := openState(t, db) // registers waiter
	stop()

	out, err := infgen(t, "schedule", "create", "tick", "waiter", "--every", "1s", "--overlap", "allow-all", "--db", db)
	require.NoError(t, err)
	require.Contains(t, out, "schedule tick: stored in the state file; a worker applies it when it starts on the file\n")
	out, err = infgen(t, "schedule", "trigger", "tick", "--db", db)
	require.NoError(t, err)
	triggered := strings.Fields(out)[1]
	triggered = strings.TrimSuffix(triggered, ":")

	rt, c, stop := openState(t, db)
	defer stop()
	_ = rt
	ctx := context.Background()
	// The triggered run is stored, and the worker runs it.
	d, err := c.Describe(ctx, triggered)
	require.NoError(t, err)
	require.Equal(t, client.Running, d.Status)
	require.Eventually(t, func() bool {
		info, err := c.DescribeSchedule(ctx, "tick")
		return err == nil && info.Started >= 3 // the triggered run and two firings
	}, 30*time.Second, 20*time.Millisecond, "the worker did not fire the schedule")
	// A firing in the second the run was triggered has the triggered run's
	// id (ids are schedule id + time): counted, but one run. Wait for three
	// distinct runs.
	require.Eventually(t, func() bool {
		ids, err := c.ListByTag(ctx, "schedule:tick")
		return err == nil && len(ids) >= 3
	}, 30*time.Second, 20*time.Millisecond, "the schedule's runs are not all tagged schedule:tick")
}

package client_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/storage"
)

// scheduleOps are the schedule commands, on the schedule "s" (hourly,
// paused: no worker runs anyway) that withSchedule creates.
var scheduleOps = []struct {
	name string
	op   func(context.Context, *env) error
}{
	{"create", func(ctx context.Context, e *env) error {
		_, err := e.client.CreateSchedule(ctx, client.ScheduleParams{ID: "s2", Workflow: "done", Cron: "0 2 * * *"})
		return err
	}},
	{"pause", func(ctx context.Context, e *env) error { return e.client.PauseSchedule(ctx, "s", "again") }},
	{"resume", func(ctx context.Context, e *env) error { return e.client.ResumeSchedule(ctx, "s") }},
	{"trigger", func(ctx context.Context, e *env) error {
		_, err := e.client.TriggerSchedule(ctx, "s")
		return err
	}},
	{"backfill", func(ctx context.Context, e *env) error {
		from := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
		_, err := e.client.BackfillSchedule(ctx, "s", from, from)
		return err
	}},
	{"delete", func(ctx context.Context, e *env) error { return e.client.DeleteSchedule(ctx, "s") }},
	{"update", func(ctx context.Context, e *env) error {
		cron, resume := "0 3 * * *", false
		_, err := e.client.UpdateSchedule(ctx, "s", client.ScheduleUpdate{Cron: &cron, Paused: &resume, Input: 5})
		return err
	}},
}

// scheduleEnv is newEnv with the schedule "s".
func scheduleEnv(t *testing.T, open func(t *testing.T) storage.Storage) *env {
	e := newEnv(t, open)
	_, err := e.client.CreateSchedule(context.Background(), client.ScheduleParams{ID: "s", Workflow: "done", Every: time.Hour,
		Paused: true, Note: "test"})
	require.NoError(t, err)
	return e
}

// TestScheduleFailedWriteChangesNothing fails each storage write of each
// schedule command in turn: a command that fails leaves every record and
// tag as it was.
func TestScheduleFailedWriteChangesNothing(t *testing.T) {
	t.Parallel()
	for _, st := range stores {
		for _, tc := range scheduleOps {
			t.Run(st.name+"/"+tc.name, func(t *testing.T) {
				ctx := context.Background()
				for n := 1; ; n++ {
					require.Less(t, n, 10, "the command never succeeded")
					e := scheduleEnv(t, st.open)
					before := e.store.snapshot(t)
					e.store.arm(n)
					err := tc.op(ctx, e)
					fired := e.store.fired
					e.store.arm(0)
					if !fired {
						require.NoError(t, err, "write %d", n)
						require.NotEqual(t, before, e.store.snapshot(t), "the command succeeded but stored nothing")
						return
					}
					if err == nil {
						// Only a write after the command took effect failed
						// (recording a started run, untagging a deleted
						// schedule): the next pass does it.
						continue
					}
					require.ErrorIs(t, err, errInjected, "write %d failed", n)
					require.Equal(t, before, e.store.snapshot(t), "write %d failed but the store changed", n)
				}
			})
		}
	}
}

// TestScheduleFailedStartChangesNothing makes the transport refuse every
// message: trigger and backfill, whose runs cannot start, put the schedule
// back as it was.
func TestScheduleFailedStartChangesNothing(t *testing.T) {
	t.Parallel()
	for _, st := range stores {
		for _, tc := range scheduleOps {
			if tc.name != "trigger" && tc.name != "backfill" {
				continue
			}
			t.Run(st.name+"/"+tc.name, func(t *testing.T) {
				e := scheduleEnv(t, st.open)
				before := e.store.snapshot(t)
				e.tr.setFailing(true)
				err := tc.op(context.Background(), e)
				e.tr.setFailing(false)
				require.ErrorIs(t, err, errInjected)
				require.ErrorContains(t, err, "nothing was changed")
				require.Equal(t, before, e.store.snapshot(t))
			})
		}
	}
}

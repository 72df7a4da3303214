package engine

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	memstore "github.com/infgen/infgen/runtime/storage/memory"
	"github.com/infgen/infgen/runtime/transport/memory"
)

// TestTasksInStepsOfLiveWorkersOnly: the attempts a worker reported
// running in steps count while the worker is live; a worker killed with
// attempts in hand (its last heartbeat three beats old) or one stopped
// reports nothing, and another run's attempts are not this run's.
func TestTasksInStepsOfLiveWorkersOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	e := New(Options{Transport: memory.New(), Storage: memstore.New(), Now: func() time.Time { return now }})
	attempt := func(run string) []TaskInStep {
		return []TaskInStep{{WorkflowID: "wf", RunID: run, Service: "billing", Method: "Charge", Attempt: 1, Since: now.Add(-time.Minute)}}
	}
	for _, w := range []WorkerInfo{
		{ID: "live", LastSeen: now.Add(-10 * time.Second), Heartbeat: 10 * time.Second, InSteps: append(attempt("r1"), attempt("r0")...)},
		{ID: "killed", LastSeen: now.Add(-31 * time.Second), Heartbeat: 10 * time.Second, InSteps: attempt("r1")},
		{ID: "stopped", LastSeen: now, Heartbeat: 10 * time.Second, Stopped: true, InSteps: attempt("r1")},
	} {
		require.NoError(t, e.Announce(ctx, &w))
	}
	got, err := e.tasksInStepsOf(ctx, "wf", "r1")
	require.NoError(t, err)
	want := attempt("r1")
	want[0].Worker = "live"
	require.Equal(t, want, got)
}

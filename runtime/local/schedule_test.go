package local_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// clock is a clock the test sets.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// TestSchedulesCatchUpAcrossARestart closes the runtime on a state file,
// lets the clock move past five hourly firings, opens the file again and
// checks what each catch-up policy started: none, the newest, or all.
func TestSchedulesCatchUpAcrossARestart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	clk := &clock{t: time.Date(2026, 12, 7, 9, 30, 0, 0, time.UTC)}
	open := func() (*local.Runtime, *client.Client, func()) {
		rt, err := local.Open(path)
		require.NoError(t, err)
		w, err := rt.NewWorker(worker.Options{Logger: slog.New(slog.DiscardHandler), Now: clk.Now, SchedulePoll: 10 * time.Millisecond})
		require.NoError(t, err)
		require.NoError(t, worker.RegisterWorkflow(w, "report", func(_ workflow.Context, n int) (int, error) { return n, nil }))
		require.NoError(t, w.Start(ctx))
		c, err := rt.NewClient(ctx, func(o *client.Options) { o.Now = clk.Now })
		require.NoError(t, err)
		return rt, c, func() { _ = c.Close(); _ = w.Stop(); require.NoError(t, rt.Close()) }
	}

	_, c, stop := open()
	for _, p := range []client.CatchUpPolicy{client.CatchUpNone, client.CatchUpLast, client.CatchUpAll} {
		_, err := c.CreateSchedule(ctx, client.ScheduleParams{ID: string(p), Workflow: "report", Input: 1, Every: time.Hour,
			CatchUp: p, Overlap: client.OverlapAllowAll})
		require.NoError(t, err)
	}
	stop()

	clk.set(time.Date(2026, 12, 7, 14, 30, 0, 0, time.UTC)) // 10:00 to 14:00 pass while nothing runs
	_, c, stop = open()
	defer stop()
	runs := func(id string) []string {
		require.Eventually(t, func() bool {
			d, err := c.DescribeSchedule(ctx, id)
			require.NoError(t, err)
			return len(d.Pending) == 0 && d.Next[0].Equal(time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC))
		}, 20*time.Second, 5*time.Millisecond, "schedule %s was not caught up", id)
		ids, err := c.ListByTag(ctx, "schedule:"+id)
		require.NoError(t, err)
		slices.Sort(ids)
		return ids
	}
	require.Empty(t, runs("none"))
	require.Equal(t, []string{"last@2026-12-07T14:00:00Z"}, runs("last"))
	require.Equal(t, []string{"all@2026-12-07T10:00:00Z", "all@2026-12-07T11:00:00Z", "all@2026-12-07T12:00:00Z",
		"all@2026-12-07T13:00:00Z", "all@2026-12-07T14:00:00Z"}, runs("all"))
	d, err := c.DescribeSchedule(ctx, "none")
	require.NoError(t, err)
	require.Equal(t, 5, d.Missed)
	// Each caught-up run completes.
	out, err := c.Await(ctx, "all@2026-12-07T10:00:00Z")
	require.NoError(t, err)
	require.JSONEq(t, "1", string(out.Output))
}

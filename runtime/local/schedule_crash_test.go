package local_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// schedChildEnv names the directory of a schedule crash child (see TestMain).
const schedChildEnv = "INFGEN_SCHED_CHILD"

// schedEpoch is the virtual time the crash test's schedule starts at.
var schedEpoch = time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)

// schedSpeed is how much faster than real time the children's clock runs:
// a virtual minute (one firing) lasts 100ms.
const schedSpeed = 600

// TestKill9ScheduleFiresEachTimeOnce runs a worker with a schedule firing
// every (virtual) minute in a child process, kills it with SIGKILL at
// random moments, then lets a last one run: every minute from the first
// firing to the last decided has exactly one run, none was lost to a kill
// between deciding a firing and starting it, and each was counted once.
func TestKill9ScheduleFiresEachTimeOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// The children share the clock: virtual time runs from the real time
	// written here, schedSpeed times faster.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "t0"), []byte(strconv.FormatInt(time.Now().UnixNano(), 10)), 0o644))
	kills := 0
	for i := 0; i < 15; i++ {
		cmd := schedChildCmd(dir, "")
		require.NoError(t, cmd.Start())
		time.Sleep(time.Duration(50+rand.IntN(250)) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err == nil {
			kills++
		}
		_ = cmd.Wait()
	}
	cmd := schedChildCmd(dir, "last")
	out, err := cmd.Output()
	require.NoError(t, err, "last run: %s", out)

	rt, err := local.Open(filepath.Join(dir, "state.db"))
	require.NoError(t, err)
	defer rt.Close()
	c, err := rt.NewClient(context.Background())
	require.NoError(t, err)
	defer c.Close()
	ctx := context.Background()
	info, err := c.DescribeSchedule(ctx, "tick")
	require.NoError(t, err)
	require.Empty(t, info.Pending)
	ids, err := c.ListByTag(ctx, "schedule:tick")
	require.NoError(t, err)
	slices.Sort(ids)
	var want []string
	for at := schedEpoch.Add(time.Minute); at.Before(info.Next[0]); at = at.Add(time.Minute) {
		want = append(want, "tick@"+at.Format(time.RFC3339))
	}
	require.Greater(t, len(want), 20, "too few firings to mean anything")
	require.Equal(t, want, ids, "a minute without its run, or a run that is no minute's")
	require.Equal(t, len(want), info.Started, "a firing was counted twice, or not at all")
	t.Logf("%d kills, %d firings", kills, len(want))
}

func schedChildCmd(dir, last string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), schedChildEnv+"="+dir, "INFGEN_SCHED_LAST="+last)
	cmd.Stderr = os.Stderr
	return cmd
}

// schedChild runs a worker that fires the schedule "tick" (creating it on
// the first run) until it is killed or, for the last run, for a while.
func schedChild(dir string) int {
	ctx := context.Background()
	raw, err := os.ReadFile(filepath.Join(dir, "t0"))
	must(err)
	t0, err := strconv.ParseInt(string(raw), 10, 64)
	must(err)
	now := func() time.Time { return schedEpoch.Add(time.Since(time.Unix(0, t0)) * schedSpeed) }
	rt, err := local.Open(filepath.Join(dir, "state.db"))
	must(err)
	quiet := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	w, err := rt.NewWorker(worker.Options{Logger: quiet, Now: now, SchedulePoll: 5 * time.Millisecond})
	must(err)
	must(worker.RegisterWorkflow(w, "tock", func(_ workflow.Context, n int) (int, error) { return n, nil }))
	must(w.Start(ctx))
	c, err := rt.NewClient(ctx, func(o *client.Options) { o.Now = func() time.Time { return schedEpoch } })
	must(err)
	_, err = c.CreateSchedule(ctx, client.ScheduleParams{ID: "tick", Workflow: "tock", Input: 1, Every: time.Minute,
		Overlap: client.OverlapAllowAll, CatchUp: client.CatchUpAll, CatchUpWindow: 24 * time.Hour})
	if err != nil && !errors.Is(err, client.ErrScheduleExists) {
		must(err)
	}
	if os.Getenv("INFGEN_SCHED_LAST") == "" {
		select {} // until killed
	}
	time.Sleep(time.Second)
	must(w.Stop()) // a clean stop: the pass in flight ends first
	fmt.Println("stopped at", now())
	_ = c.Close()
	must(rt.Close())
	return 0
}

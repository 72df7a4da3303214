package pulsar_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/transport"
)

// TestTwoWorkersShareChainAndSurviveKill9 runs the chain workload on two
// worker processes sharing the broker and a PostgreSQL store, kills one with
// SIGKILL mid-run, and checks that every workflow completes with the right
// result, that both processes did work, and that each task kept one id.
func TestTwoWorkersShareChainAndSurviveKill9(t *testing.T) {
	t.Parallel()
	clusterEnv(t)
	dir := t.TempDir()
	prefix := fmt.Sprintf("c%x.", rand.Uint32())
	a := startWorker(t, dir, prefix)
	b := startWorker(t, dir, prefix)

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	_, c := testClient(t, ctx, prefix, 500*time.Millisecond, false)

	const n = 120
	// Kill one worker mid-run, as soon as a tenth of the tasks ran.
	killed := make(chan int, 1)
	go func() {
		defer close(killed)
		for ctx.Err() == nil {
			if done := countLines(filepath.Join(dir, "effects.log")); done >= n*chainSteps/10 {
				_ = a.Process.Signal(syscall.SIGKILL)
				killed <- done
				return
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()
	ids := make([]string, n)
	for i := range n {
		ids[i] = fmt.Sprintf("%schain-%d", prefix, i)
		_, err := c.Start(ctx, client.StartParams{Workflow: "chain", ID: ids[i], Input: i})
		require.NoError(t, err)
	}
	killedAt, ok := <-killed
	require.True(t, ok, "the workers made no progress")

	for i, id := range ids {
		got, err := client.Result[int](ctx, c, id)
		require.NoError(t, err, "workflow %s", id)
		require.Equal(t, i*chainSteps, got, "workflow %s", id)
	}
	perPid, dups := checkEffects(t, dir, n*chainSteps)
	require.Positive(t, perPid[fmt.Sprint(a.Process.Pid)], "the killed worker did no work before the kill: %v", perPid)
	require.Positive(t, perPid[fmt.Sprint(b.Process.Pid)], "the surviving worker did no work: %v", perPid)
	t.Logf("killed worker at %d of %d task executions; executions per pid %v (%d duplicates)",
		killedAt, n*chainSteps, perPid, dups)
	require.NoError(t, b.Process.Signal(syscall.SIGTERM))
}

// TestUndecodableMessageIsDeadLettered publishes garbage to a workflow
// topic on the broker and checks that it is set aside with a reason.
func TestUndecodableMessageIsDeadLettered(t *testing.T) {
	t.Parallel()
	clusterEnv(t)
	dir := t.TempDir()
	prefix := fmt.Sprintf("d%x.", rand.Uint32())
	startWorker(t, dir, prefix)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tr, c := testClient(t, ctx, prefix, time.Second, false)

	copies := make(chan client.DeadLetter, 4)
	watch, err := tr.Subscribe(ctx, &transport.SubscribeParams{Topic: "infgen.dead-letters", Subscription: "watch", Mode: transport.Shared,
		Handler: func(_ context.Context, d *transport.Delivery) error {
			var dl client.DeadLetter
			if err := json.Unmarshal(d.Payload, &dl); err != nil {
				return err
			}
			copies <- dl
			return nil
		}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = watch.Close() })

	garbage := fmt.Sprintf("{not json %s", prefix)
	require.NoError(t, tr.Publish(ctx, &transport.PublishParams{
		Topic: "workflow.chain", Message: transport.Message{Key: "poison", Payload: []byte(garbage)},
	}))
	var found *client.DeadLetter
	require.Eventually(t, func() bool {
		dls, err := c.DeadLetters(ctx)
		if err != nil {
			return false
		}
		for i := range dls {
			if string(dls[i].Payload) == garbage {
				found = &dls[i]
				return true
			}
		}
		return false
	}, 30*time.Second, 50*time.Millisecond, "the undecodable message was not dead-lettered")
	require.Equal(t, "workflow.chain", found.Topic)
	require.Contains(t, found.Reason, "decode")
	select { // and a copy landed on the dead-letter topic
	case dl := <-copies:
		require.Equal(t, found.ID, dl.ID)
		require.Equal(t, garbage, string(dl.Payload))
	case <-ctx.Done():
		require.FailNow(t, "no copy on the dead-letter topic")
	}
	// The worker survived it.
	got, err := client.Execute[int](ctx, c, client.StartParams{Workflow: "chain", ID: prefix + "after-poison", Input: 5})
	require.NoError(t, err)
	require.Equal(t, 5*chainSteps, got)
}

// TestWorkflowTimersOnTime runs workflows that sleep on a worker process and
// checks that each finishes after its timer and within timerLateBound of it.
func TestWorkflowTimersOnTime(t *testing.T) {
	if os.Getenv("INFGEN_PULSAR_TIMING") == "" {
		t.Skip("INFGEN_PULSAR_TIMING is not set: timer lateness is measured alone on the broker (scripts/test.sh does it after the other tests)")
	}
	clusterEnv(t)
	dir := t.TempDir()
	prefix := fmt.Sprintf("s%x.", rand.Uint32())
	startWorker(t, dir, prefix)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, c := testClient(t, ctx, prefix, 5*time.Second, false)

	var wg sync.WaitGroup
	for i, ms := range []int{300, 1000, 2000, 1500, 700} {
		wg.Go(func() {
			start := time.Now()
			got, err := client.Execute[int](ctx, c, client.StartParams{Workflow: "sleeper", ID: fmt.Sprintf("%ssleep-%d", prefix, i), Input: ms})
			took := time.Since(start)
			if err != nil || got != ms {
				t.Errorf("sleeper %d ms: got %d, %v", ms, got, err)
				return
			}
			due := time.Duration(ms) * time.Millisecond
			if took < due || took > due+timerLateBound {
				t.Errorf("a %s timer took %s, want within [%s, %s]", due, took, due, due+timerLateBound)
			}
			t.Logf("%s timer: workflow finished after %s", due, took)
		})
	}
	wg.Wait()
}

// timerLateBound is how late a workflow timer may finish before it counts as
// lost rather than delayed by a loaded test machine.
const timerLateBound = 5 * time.Second

package pulsar_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
)

// EnvCampaign turns on TestKill9Campaign: fifty kills take minutes, so the
// test script runs it in its own phase.
const EnvCampaign = "INFGEN_PULSAR_CAMPAIGN"

// TestScaleOutAndInLosesNothing runs ticker workflows (each a timer and a
// task per round, so every workflow is in the middle of its run at any
// time) on three worker processes, adds a fourth once a third of the work is
// done and stops one of the first three (SIGTERM, as a deploy would) at two
// thirds. Key_Shared hands each added or removed consumer's hash ranges to
// the others mid-workflow, so workflows move between workers and their
// cached executions go stale. Every workflow must finish with its result,
// each task under one id, and the added worker must have done work. (Local
// tasks under kill -9 and rebalances are TestKill9Campaign's.)
func TestScaleOutAndInLosesNothing(t *testing.T) {
	t.Parallel()
	clusterEnv(t)
	dir := t.TempDir()
	prefix := fmt.Sprintf("s%x.", rand.Uint32())
	workers := []*exec.Cmd{startWorker(t, dir, prefix), startWorker(t, dir, prefix), startWorker(t, dir, prefix)}

	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	_, c := testClient(t, ctx, prefix, 500*time.Millisecond, false)

	const n, rounds = 60, 8
	var ids []string
	startBatch := func(batch string) {
		for i := range n {
			id := fmt.Sprintf("%stick-%s-%d", prefix, batch, i)
			_, err := c.Start(ctx, client.StartParams{Workflow: "ticker", ID: id, Input: rounds})
			require.NoError(t, err)
			ids = append(ids, id)
		}
	}
	startBatch("a")
	waitEffects(t, ctx, dir, n*rounds/3)
	added := startWorker(t, dir, prefix)
	// A second batch once the worker is in: new workflow ids hash over the
	// ranges Key_Shared now gives it too (the first batch's keys may stay
	// where they are while they have messages in flight). Stop a worker
	// only once the added one has worked.
	startBatch("b")
	total := 2 * n * rounds
	for {
		done := executionsByPid(readEffects(t, dir))
		if done[fmt.Sprint(added.Process.Pid)] > 0 {
			break
		}
		require.NoError(t, ctx.Err(), "the added worker never got work: %v", done)
		time.Sleep(10 * time.Millisecond)
	}
	waitEffects(t, ctx, dir, 2*total/3)
	removed := workers[0]
	require.NoError(t, removed.Process.Signal(syscall.SIGTERM))
	require.NoError(t, removed.Wait(), "the removed worker did not stop cleanly")

	for _, id := range ids {
		got, err := client.Result[int](ctx, c, id)
		require.NoError(t, err, "workflow %s", id)
		require.Equal(t, rounds, got, "workflow %s", id)
	}
	perPid, dups := checkEffects(t, dir, total)
	for _, w := range append(workers, added) {
		require.Positive(t, perPid[fmt.Sprint(w.Process.Pid)], "worker %d did no work: %v", w.Process.Pid, perPid)
	}
	t.Logf("executions per pid %v (added %d, removed %d); %d duplicates of %d tasks",
		perPid, added.Process.Pid, removed.Process.Pid, dups, total)
}

// TestKill9Campaign keeps the chain workload running on three worker
// processes over the broker and PostgreSQL while it kills a random worker
// with SIGKILL fifty times, starting a new one after each kill. No workflow
// may be lost or end with a wrong result, and every task must keep one id
// however often it ran (tasks are at least once; their ids are what a
// service deduplicates on, docs/guarantees.md).
func TestKill9Campaign(t *testing.T) {
	if os.Getenv(EnvCampaign) == "" {
		t.Skipf("fifty kills take minutes: set %s=1 (scripts/test.sh runs it in its own phase)", EnvCampaign)
	}
	clusterEnv(t)
	dir := t.TempDir()
	prefix := fmt.Sprintf("k%x.", rand.Uint32())
	var mu sync.Mutex
	// Every other worker runs its tasks inside its workflows' steps (local
	// tasks): a kill then loses steps with their tasks' results too.
	started := 0
	start := func() *exec.Cmd {
		started++
		return startWorkerWith(t, dir, prefix, started%2 == 0)
	}
	workers := []*exec.Cmd{start(), start(), start()}

	ctx, cancel := context.WithTimeout(context.Background(), 12*time.Minute)
	defer cancel()
	_, c := testClient(t, ctx, prefix, 500*time.Millisecond, true)

	// The load: workflows started at a steady pace until the last kill.
	stopLoad := make(chan struct{})
	var ids []string
	loadDone := make(chan error, 1)
	go func() {
		defer close(loadDone)
		for i := 0; ; i++ {
			select {
			case <-stopLoad:
				return
			case <-time.After(20 * time.Millisecond):
			}
			id := fmt.Sprintf("%schain-%d", prefix, i)
			if _, err := c.Start(ctx, client.StartParams{Workflow: "chain", ID: id, Input: i}); err != nil {
				loadDone <- fmt.Errorf("start %s: %w", id, err)
				return
			}
			mu.Lock()
			ids = append(ids, id)
			mu.Unlock()
		}
	}()

	const kills = 50
	var killed []int
	for range kills {
		// Let the workers make progress between kills: 300–900 ms.
		time.Sleep(time.Duration(300+rand.IntN(600)) * time.Millisecond)
		i := rand.IntN(len(workers))
		victim := workers[i]
		require.NoError(t, victim.Process.Signal(syscall.SIGKILL))
		_ = victim.Wait()
		killed = append(killed, victim.Process.Pid)
		workers[i] = start()
	}
	close(stopLoad)
	require.NoError(t, <-loadDone)

	mu.Lock()
	defer mu.Unlock()
	require.NotEmpty(t, ids)
	for _, id := range ids {
		var i int
		_, err := fmt.Sscanf(id[len(prefix):], "chain-%d", &i)
		require.NoError(t, err)
		got, err := client.Result[int](ctx, c, id)
		require.NoError(t, err, "workflow %s", id)
		require.Equal(t, i*chainSteps, got, "workflow %s", id)
	}
	perPid, dups := checkEffects(t, dir, len(ids)*chainSteps)
	diedWorking := 0
	for _, pid := range killed {
		if perPid[fmt.Sprint(pid)] > 0 {
			diedWorking++
		}
	}
	require.Positive(t, diedWorking, "no killed worker had done work: the kills missed the load")
	t.Logf("%d kills (%d of the killed workers had run tasks); %d workflows, %d tasks, %d duplicate executions",
		kills, diedWorking, len(ids), len(ids)*chainSteps, dups)
}

// waitEffects waits until the workers have run at least n task executions.
func waitEffects(t *testing.T, ctx context.Context, dir string, n int) {
	t.Helper()
	for countLines(filepath.Join(dir, "effects.log")) < n {
		require.NoError(t, ctx.Err(), "the workers made no progress to %d task executions", n)
		time.Sleep(5 * time.Millisecond)
	}
}

// executionsByPid counts the task executions of each worker pid.
func executionsByPid(effects []effect) map[string]int {
	n := map[string]int{}
	for _, e := range effects {
		n[e.pid]++
	}
	return n
}

// checkEffects checks that exactly tasks distinct tasks ran, each under one
// task id however often it ran, and returns executions per worker pid and
// the number of executions beyond one per task.
func checkEffects(t *testing.T, dir string, tasks int) (map[string]int, int) {
	t.Helper()
	effects := readEffects(t, dir)
	taskIDs := map[string]map[string]bool{}
	for _, e := range effects {
		k := e.workflow + "/" + e.step
		if taskIDs[k] == nil {
			taskIDs[k] = map[string]bool{}
		}
		taskIDs[k][e.task] = true
	}
	require.Len(t, taskIDs, tasks, "every task ran")
	for k, v := range taskIDs {
		require.Len(t, v, 1, "task %s ran under several ids: %v", k, v)
	}
	return executionsByPid(effects), len(effects) - tasks
}

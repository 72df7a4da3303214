package pulsar_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
)

// envRestart allows TestBrokerRestartLosesNothing to stop and start the
// shared broker with scripts/pulsar.sh: scripts/test.sh sets it in a phase of
// its own, after every other test that uses the broker has finished.
const envRestart = "INFGEN_PULSAR_RESTART"

// TestBrokerRestartLosesNothing restarts the broker (on its data) while a
// worker process is in the middle of workflows alternating timers and tasks,
// and holds long timers on the delay topic: the worker and the client
// reconnect, and every workflow completes with the right result, each timer
// after its due time.
func TestBrokerRestartLosesNothing(t *testing.T) {
	clusterEnv(t)
	if os.Getenv(envRestart) != "1" {
		t.Skipf("%s is not 1: this test stops and starts the shared broker (scripts/test.sh runs it last)", envRestart)
	}
	script, err := filepath.Abs("../../../scripts/pulsar.sh")
	require.NoError(t, err)
	dir := t.TempDir()
	prefix := fmt.Sprintf("r%x.", rand.Uint32())
	startWorker(t, dir, prefix)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	_, c := testClient(t, ctx, prefix, time.Second, true)

	const tickers, rounds, sleepers = 40, 40, 10
	for i := range tickers {
		_, err := c.Start(ctx, client.StartParams{Workflow: "ticker", ID: fmt.Sprintf("%stick-%d", prefix, i), Input: rounds})
		require.NoError(t, err)
	}
	due := time.Now().Add(6 * time.Second)
	for i := range sleepers {
		_, err := c.Start(ctx, client.StartParams{Workflow: "sleeper", ID: fmt.Sprintf("%ssleep-%d", prefix, i), Input: 6000})
		require.NoError(t, err)
	}
	effects := filepath.Join(dir, "effects.log")
	require.Eventually(t, func() bool { return countLines(effects) >= 30 }, time.Minute, 10*time.Millisecond)

	restart(t, script)
	before := countLines(effects)
	require.Less(t, before, tickers*rounds, "the restart came after all the work")

	var wg sync.WaitGroup
	for i := range tickers {
		wg.Go(func() {
			got, err := client.Result[int](ctx, c, fmt.Sprintf("%stick-%d", prefix, i))
			if err != nil || got != rounds {
				t.Errorf("ticker %d: got %d, %v; want %d", i, got, err, rounds)
			}
		})
	}
	for i := range sleepers {
		wg.Go(func() {
			got, err := client.Result[int](ctx, c, fmt.Sprintf("%ssleep-%d", prefix, i))
			if err != nil || got != 6000 || time.Now().Before(due) {
				t.Errorf("sleeper %d: got %d, %v at %s (due %s)", i, got, err, time.Now().Format(time.StampMilli), due.Format(time.StampMilli))
			}
		})
	}
	wg.Wait()
	checkEffects(t, dir, tickers*rounds)
	after := countLines(effects) - before
	t.Logf("%d of %d tasks ran before the broker restarted, %d executions after (%d repeated, each under its one id)",
		before, tickers*rounds, after, before+after-tickers*rounds)
}

// restart stops the broker and starts it again on its data.
func restart(t *testing.T, script string) {
	t.Helper()
	for _, args := range [][]string{{"stop"}, {"start"}} {
		cmd := exec.Command(script, args...)
		cmd.Env = append(os.Environ(), "INFGEN_PULSAR_KEEP_DATA=1")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "pulsar.sh %s: %s", args[0], out)
	}
}

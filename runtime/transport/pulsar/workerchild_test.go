// The worker process the cluster tests start (the test binary run again as
// a worker), and the helpers they share.

package pulsar_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/retry"
	"github.com/infgen/infgen/runtime/service"
	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/storage/postgres"
	"github.com/infgen/infgen/runtime/transport/pulsar"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// Child-process mode: the test binary re-runs itself as a worker.
const (
	envChildDir    = "INFGEN_PULSAR_TEST_WORKER_DIR"
	envChildPrefix = "INFGEN_PULSAR_TEST_WORKER_PREFIX"
	// envChildLocal makes a worker child run its tasks inside its
	// workflows' steps (the default; worker.Options.DisableLocalTasks turns it off).
	envChildLocal = "INFGEN_PULSAR_TEST_WORKER_LOCAL_TASKS"
	chainSteps    = 3
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(envChildDir); dir != "" {
		os.Exit(runWorkerChild(dir, os.Getenv(envChildPrefix)))
	}
	os.Exit(m.Run())
}

// clusterEnv skips the test unless both a broker and a shared store are
// configured: two worker processes need state they can both reach.
func clusterEnv(t *testing.T) {
	t.Helper()
	for _, v := range []string{pulsar.EnvURL, pulsar.EnvAdminURL, postgres.EnvDSN} {
		if os.Getenv(v) == "" {
			t.Skipf("%s is not set: run scripts/pulsar.sh start and scripts/services.sh start, then eval their env", v)
		}
	}
}

// openRuntime connects a transport (topics under prefix) and the shared store.
func openRuntime(ctx context.Context, prefix string, log *slog.Logger) (*pulsar.Transport, storage.Storage, error) {
	cfg, err := pulsar.ConfigFromEnv()
	if err != nil {
		return nil, nil, err
	}
	if cfg.Namespace == "" {
		cfg.Namespace = "tests"
	}
	cfg.TopicPrefix, cfg.Logger = prefix, log
	tr, err := pulsar.New(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	pcfg, err := postgres.ConfigFromEnv()
	if err != nil {
		_ = tr.Close()
		return nil, nil, err
	}
	st, err := pcfg.Open(ctx)
	if err != nil {
		_ = tr.Close()
		return nil, nil, err
	}
	return tr, st, nil
}

// testClient connects a transport (topics under prefix), the shared store
// and a client polling every poll, all closed when t ends. quiet drops the
// transport's logs; otherwise its errors go to stderr.
func testClient(t *testing.T, ctx context.Context, prefix string, poll time.Duration, quiet bool) (*pulsar.Transport, *client.Client) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	if quiet {
		log = slog.New(slog.DiscardHandler)
	}
	tr, st, err := openRuntime(ctx, prefix, log)
	require.NoError(t, err)
	t.Cleanup(func() { _ = tr.Close(); _ = st.Close() })
	c, err := client.New(ctx, client.Options{Transport: tr, Storage: st, PollInterval: poll})
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return tr, c
}

type stepIn struct {
	Workflow string
	Step     int
	Acc      int
	N        int
}

type stepOut struct{ Acc int }

// chain is the chain workload: chainSteps tasks in sequence, each adding n.
func chain(ctx workflow.Context, n int) (int, error) {
	acc := 0
	for i := range chainSteps {
		out, err := workflow.Dispatch[*stepOut](ctx, workflow.Call{Service: "chain", Method: "Step", Codec: codec.JSON{},
			Input: &stepIn{Workflow: ctx.Info().ID, Step: i, Acc: acc, N: n}}).Await(ctx)
		if err != nil {
			return 0, err
		}
		acc = out.Acc
	}
	return acc, nil
}

// sleeper sleeps ms milliseconds (a timer: a delayed message on the broker).
func sleeper(ctx workflow.Context, ms int) (int, error) {
	if err := workflow.Sleep(ctx, time.Duration(ms)*time.Millisecond); err != nil {
		return 0, err
	}
	return ms, nil
}

// ticker runs n rounds of a 300 ms timer followed by a chain task, so that
// it has work in flight for n × 300 ms and more.
func ticker(ctx workflow.Context, n int) (int, error) {
	acc := 0
	for i := range n {
		if err := workflow.Sleep(ctx, 300*time.Millisecond); err != nil {
			return 0, err
		}
		out, err := workflow.Dispatch[*stepOut](ctx, workflow.Call{Service: "chain", Method: "Step", Codec: codec.JSON{},
			Input: &stepIn{Workflow: ctx.Info().ID, Step: i, Acc: acc, N: 1}}).Await(ctx)
		if err != nil {
			return 0, err
		}
		acc = out.Acc
	}
	return acc, nil
}

// runWorkerChild hosts the chain workflow and service until SIGTERM; each
// task execution appends "<pid> <workflow> <step> <task id>" to effects.log.
func runWorkerChild(dir, prefix string) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	tr, st, err := openRuntime(ctx, prefix, log)
	if err != nil {
		fmt.Fprintln(os.Stderr, "worker child:", err)
		return 2
	}
	effects, err := os.OpenFile(filepath.Join(dir, "effects.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		fmt.Fprintln(os.Stderr, "worker child:", err)
		return 2
	}
	var mu sync.Mutex
	step := func(ctx context.Context, in *stepIn) (*stepOut, error) {
		task, _ := service.TaskFrom(ctx)
		time.Sleep(2 * time.Millisecond)
		mu.Lock()
		fmt.Fprintf(effects, "%d %s %d %s\n", os.Getpid(), in.Workflow, in.Step, task.ID)
		mu.Unlock()
		return &stepOut{Acc: in.Acc + in.N}, nil
	}
	w, err := worker.New(worker.Options{Transport: tr, Storage: st, Logger: log, DisableLocalTasks: os.Getenv(envChildLocal) != "1"})
	if err == nil {
		err = w.RegisterService(worker.Service{Name: "chain", Methods: []worker.Method{
			{Name: "Step", Handler: worker.Handle(codec.JSON{}, step)},
		}}, worker.WithConcurrency(8), worker.WithRetry(retry.Policy{MaxAttempts: 10, Initial: 10 * time.Millisecond, Max: 100 * time.Millisecond}))
	}
	if err == nil {
		err = registerCards(w)
	}
	if err == nil {
		err = worker.RegisterWorkflow(w, "chain", chain)
	}
	if err == nil {
		err = worker.RegisterWorkflow(w, "sleeper", sleeper)
	}
	if err == nil {
		err = worker.RegisterWorkflow(w, "ticker", ticker)
	}
	if err == nil {
		err = w.Start(ctx)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "worker child:", err)
		return 2
	}
	fmt.Println("ready")
	<-ctx.Done()
	_ = w.Stop()
	_ = tr.Close()
	_ = st.Close()
	return 0
}

// startWorker starts a worker child process whose tasks go through the
// broker (local tasks off: these tests are about the broker's path), and
// waits until it is ready.
func startWorker(t *testing.T, dir, prefix string) *exec.Cmd {
	t.Helper()
	return startWorkerWith(t, dir, prefix, false)
}

// startWorkerWith is startWorker, with local tasks on or off.
func startWorkerWith(t *testing.T, dir, prefix string, localTasks bool) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envChildDir+"="+dir, envChildPrefix+"="+prefix, fmt.Sprintf("%s=%d", envChildLocal, b2i(localTasks)))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	ready := make(chan error, 1)
	go func() {
		line, err := bufio.NewReader(out).ReadString('\n')
		if err == nil && strings.TrimSpace(line) != "ready" {
			err = fmt.Errorf("worker printed %q", line)
		}
		ready <- err
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case err := <-ready:
		require.NoError(t, err, "worker process %d did not start", cmd.Process.Pid)
	case <-time.After(60 * time.Second):
		require.FailNow(t, "worker process did not get ready within 60s")
	}
	return cmd
}

// countLines counts the lines of a file (0 when it does not exist).
func countLines(path string) int {
	data, _ := os.ReadFile(path)
	return strings.Count(string(data), "\n")
}

// effect is one line of effects.log.
type effect struct{ pid, workflow, step, task string }

func readEffects(t *testing.T, dir string) []effect {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "effects.log"))
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	var out []effect
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) == 4 {
			out = append(out, effect{f[0], f[1], f[2], f[3]})
		}
	}
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

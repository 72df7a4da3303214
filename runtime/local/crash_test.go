package local_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/retry"
	"github.com/infgen/infgen/runtime/service"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

const (
	crashWorkflows = 30
	crashTasks     = 4
)

func TestMain(m *testing.M) {
	if dir := os.Getenv("INFGEN_CRASH_CHILD"); dir != "" {
		os.Exit(crashChild(dir))
	}
	if dir := os.Getenv(schedChildEnv); dir != "" {
		os.Exit(schedChild(dir))
	}
	if dir := os.Getenv(eventsChildEnv); dir != "" {
		os.Exit(eventsChild(dir))
	}
	os.Exit(m.Run())
}

// TestKill9AtRandomPointsLosesNothing runs a workload in a child process on
// a state file, kills it with SIGKILL at random moments many times, then lets
// it finish: every workflow must complete with the right result, and every
// task must have kept one id across all its executions.
func TestKill9AtRandomPointsLosesNothing(t *testing.T) {
	t.Parallel()
	kill9Test(t, "")
}

// TestKill9WithSealedHistoriesLosesNothing is the same with the history
// sealed in segments of two batches or commands (each of the workload's
// steps writes a segment and the state record): killed between the two
// writes, or after, a worker loses nothing either.
func TestKill9WithSealedHistoriesLosesNothing(t *testing.T) {
	t.Parallel()
	kill9Test(t, "INFGEN_CRASH_SEGMENT=2")
}

func kill9Test(t *testing.T, env string) {
	dir := t.TempDir()
	kills := 0
	for i := 0; i < 20; i++ {
		cmd := childCmd(t, dir, env)
		require.NoError(t, cmd.Start())
		time.Sleep(time.Duration(10+rand.IntN(200)) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err == nil {
			kills++
		}
		_ = cmd.Wait()
	}
	cmd := childCmd(t, dir, env)
	out, err := cmd.Output()
	require.NoError(t, err, "final run: %s", out)
	var results map[string]int
	require.NoError(t, json.Unmarshal(lastLine(out), &results), "final run printed: %s", out)
	require.Len(t, results, crashWorkflows)
	for i := 0; i < crashWorkflows; i++ {
		require.Equal(t, i*crashTasks, results[fmt.Sprintf("job-%d", i)], "job-%d", i)
	}
	// Each task ran at least once, and always under the same id.
	ids := map[string]map[string]bool{}
	f, err := os.Open(filepath.Join(dir, "effects.log"))
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.Fields(sc.Text())
		if len(parts) != 3 {
			continue // a line torn by a kill
		}
		key := parts[0] + "/" + parts[1]
		if ids[key] == nil {
			ids[key] = map[string]bool{}
		}
		ids[key][parts[2]] = true
	}
	require.Len(t, ids, crashWorkflows*crashTasks)
	for k, v := range ids {
		require.Len(t, v, 1, "task %s ran under several ids: %v", k, v)
	}
	t.Logf("%d kills, %d distinct tasks", kills, len(ids))
}

func childCmd(t *testing.T, dir, env string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "INFGEN_CRASH_CHILD="+dir)
	if env != "" {
		cmd.Env = append(cmd.Env, env)
	}
	cmd.Stderr = os.Stderr
	return cmd
}

func lastLine(b []byte) []byte {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return []byte(lines[len(lines)-1])
}

type stepIn struct {
	Job  string
	Step int
	N    int
	Acc  int
}

type stepOut struct{ Acc int }

// crashChild runs the workload until every workflow is done and prints the
// results as JSON on its last line.
func crashChild(dir string) int {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	rt, err := local.Open(filepath.Join(dir, "state.db"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	log, err := os.OpenFile(filepath.Join(dir, "effects.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	var mu sync.Mutex
	step := func(ctx context.Context, in *stepIn) (*stepOut, error) {
		task, _ := service.TaskFrom(ctx)
		time.Sleep(time.Duration(rand.IntN(3)) * time.Millisecond)
		if rand.IntN(10) == 0 {
			return nil, service.Retryable(fmt.Errorf("transient"), 0)
		}
		mu.Lock()
		fmt.Fprintf(log, "%s %d %s\n", in.Job, in.Step, task.ID)
		mu.Unlock()
		return &stepOut{Acc: in.Acc + in.N}, nil
	}
	quiet := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	segment, _ := strconv.Atoi(os.Getenv("INFGEN_CRASH_SEGMENT"))
	w, err := rt.NewWorker(worker.Options{Logger: quiet, HistorySegment: segment})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	fast := retry.Policy{MaxAttempts: 20, Initial: 5 * time.Millisecond, Max: 20 * time.Millisecond}
	must(w.RegisterService(worker.Service{Name: "effects", Methods: []worker.Method{
		{Name: "Step", Handler: worker.Handle(codec.JSON{}, step)},
	}}, worker.WithRetry(fast), worker.WithConcurrency(8)))
	must(worker.RegisterWorkflow(w, "job", func(ctx workflow.Context, n int) (int, error) {
		acc := 0
		for i := 0; i < crashTasks; i++ {
			out, err := workflow.Dispatch[*stepOut](ctx, workflow.Call{Service: "effects", Method: "Step", Codec: codec.JSON{},
				Input: &stepIn{Job: ctx.Info().ID, Step: i, N: n, Acc: acc}}).Await(ctx)
			if err != nil {
				return 0, err
			}
			acc = out.Acc
			if err := workflow.Sleep(ctx, 10*time.Millisecond); err != nil {
				return 0, err
			}
		}
		return acc, nil
	}))
	must(w.Start(ctx))
	c, err := rt.NewClient(ctx)
	must(err)
	results := map[string]int{}
	for i := 0; i < crashWorkflows; i++ {
		id := fmt.Sprintf("job-%d", i)
		_, err := c.Start(ctx, client.StartParams{Workflow: "job", ID: id, Input: i})
		must(err)
	}
	for i := 0; i < crashWorkflows; i++ {
		id := fmt.Sprintf("job-%d", i)
		v, err := client.Result[int](ctx, c, id)
		must(err)
		results[id] = v
	}
	b, _ := json.Marshal(results)
	fmt.Println(string(b))
	_ = w.Stop()
	_ = rt.Close()
	return 0
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

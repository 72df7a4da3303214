package local_test

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/events"
	"github.com/infgen/infgen/runtime/internal/engine"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// eventsChildEnv names the directory of an events crash child (see TestMain).
const eventsChildEnv = "INFGEN_EVENTS_CHILD"

const (
	eventsWorkflows = 20
	eventsEmits     = 5
)

// TestKill9EventsAreHandledOnce runs, on the embedded default (memory
// transport, state file), workflows that emit events and publish their
// completion, with two subscriptions of the emitted type and one of the
// completions whose handlers are slower than the workflows: a child process
// is killed with SIGKILL at random moments, with events published and not
// yet handled, then a last one runs until every event is handled. Every
// event of every subscription must be handled, and no event twice, except
// the one a killed process was handling when it died (its handling was cut
// short before the dedup record said done), and only by a later process;
// several kills in a row may each cut the same event short.
func TestKill9EventsAreHandledOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	kills := 0
	for i := 0; i < 12; i++ {
		cmd := eventsChildCmd(dir, "")
		require.NoError(t, cmd.Start())
		time.Sleep(time.Duration(100+rand.IntN(300)) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err == nil {
			kills++
		}
		_ = cmd.Wait()
	}
	out, err := eventsChildCmd(dir, "last").Output()
	require.NoError(t, err, "last run: %s", out)

	// handled.log: "<begin|end> <subscription> <event id> <pid>" per handling.
	f, err := os.Open(filepath.Join(dir, "handled.log"))
	require.NoError(t, err)
	defer f.Close()
	ends := map[string][]string{} // subscription + event id → pids that finished it
	var lastPID string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.Fields(sc.Text())
		if len(parts) != 4 {
			continue // a line torn by a kill
		}
		switch parts[0] {
		case "end":
			k := parts[1] + " " + parts[2]
			ends[k] = append(ends[k], parts[3])
		case "last":
			lastPID = parts[3]
		}
	}
	require.NotEmpty(t, lastPID, "the last run did not finish")
	perWorkflow := map[string]int{}
	duplicates := 0
	for k, pids := range ends {
		sub, id, _ := strings.Cut(k, " ")
		wf, _, _ := strings.Cut(id, "/")
		perWorkflow[sub+" "+wf]++
		if len(pids) > 1 {
			// Handled again only after a kill cut a handling short (between
			// the handler's end and the dedup record's done): never twice by
			// one process, and the last run, never killed, only last. The
			// same event can be cut short by several kills in a row: a
			// restarted process handles the events left over first.
			duplicates += len(pids) - 1
			seen := map[string]bool{}
			for i, pid := range pids {
				require.False(t, seen[pid], "event %s handled twice by one process in %s: %v", id, sub, pids)
				seen[pid] = true
				require.False(t, pid == lastPID && i != len(pids)-1, "event %s handled again in %s after the last run handled it: %v", id, sub, pids)
			}
		}
	}
	for i := 0; i < eventsWorkflows; i++ {
		wf := fmt.Sprintf("ev-%d", i)
		require.Equal(t, eventsEmits, perWorkflow["a "+wf], "subscription a, %s: events lost or extra", wf)
		require.Equal(t, eventsEmits, perWorkflow["b "+wf], "subscription b, %s: events lost or extra", wf)
		require.Equal(t, 1, perWorkflow["done "+wf], "subscription done, %s: completion lost or extra", wf)
	}
	require.Len(t, ends, eventsWorkflows*(2*eventsEmits+1))
	// Each subscription handles one event at a time: a kill cuts at most
	// one handling of each short.
	require.LessOrEqual(t, duplicates, 3*kills, "more handlings again than kills could cut short")

	// Every event handled by every subscription: none is kept any more.
	rt, err := local.Open(filepath.Join(dir, "state.db"))
	require.NoError(t, err)
	defer rt.Close()
	queued, err := rt.Storage.ListTag(context.Background(), &storage.ListTagParams{Tag: engine.TagEventQueue})
	require.NoError(t, err)
	require.Empty(t, queued, "events still kept in storage after every subscription handled them")
	outboxes, err := rt.Storage.ListTag(context.Background(), &storage.ListTagParams{Tag: engine.TagEventOutbox})
	require.NoError(t, err)
	require.Empty(t, outboxes, "saved steps whose events were never queued")
	t.Logf("%d kills, %d handlings, %d handled again after a kill", kills, len(ends), duplicates)
}

func eventsChildCmd(dir, last string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), eventsChildEnv+"="+dir, "INFGEN_EVENTS_LAST="+last)
	cmd.Stderr = os.Stderr
	return cmd
}

// eventsChild starts the workflows (again: starting is idempotent) and
// handles their events until killed or, for the last run, until every
// event was handled by every subscription.
func eventsChild(dir string) int {
	ctx := context.Background()
	rt, err := local.Open(filepath.Join(dir, "state.db"))
	must(err)
	log, err := os.OpenFile(filepath.Join(dir, "handled.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	must(err)
	pid := fmt.Sprint(os.Getpid())
	var mu sync.Mutex
	handled := map[string]bool{}
	want := eventsWorkflows * (2*eventsEmits + 1)
	all := make(chan struct{})
	var allOnce sync.Once
	write := func(line string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintln(log, line)
	}
	// Handled before this run: the last run waits only for the rest.
	if b, err := os.ReadFile(filepath.Join(dir, "handled.log")); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if p := strings.Fields(l); len(p) == 4 && p[0] == "end" {
				handled[p[1]+" "+p[2]] = true
			}
		}
	}
	handler := func(sub string) events.Handler {
		return func(ctx context.Context, ev *events.Event) error {
			write("begin " + sub + " " + ev.ID + " " + pid)
			time.Sleep(time.Duration(2+rand.IntN(15)) * time.Millisecond)
			write("end " + sub + " " + ev.ID + " " + pid)
			mu.Lock()
			handled[sub+" "+ev.ID] = true
			if len(handled) == want {
				allOnce.Do(func() { close(all) })
			}
			mu.Unlock()
			return nil
		}
	}
	quiet := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	w, err := rt.NewWorker(worker.Options{Logger: quiet, OutcomeEvents: true})
	must(err)
	must(worker.RegisterWorkflow(w, "evjob", func(ctx workflow.Context, n int) (int, error) {
		for i := 0; i < eventsEmits; i++ {
			if err := workflow.Emit(ctx, workflow.Event{Type: "crash.tick", Data: i}); err != nil {
				return 0, err
			}
			if err := workflow.Sleep(ctx, time.Millisecond); err != nil {
				return 0, err
			}
		}
		return n, nil
	}))
	must(events.Subscribe(w, "crash.tick", handler("a"), events.Name("a"), events.Concurrency(1), events.Timeout(2*time.Second)))
	must(events.Subscribe(w, "crash.tick", handler("b"), events.Name("b"), events.Concurrency(1), events.Timeout(2*time.Second)))
	must(events.Subscribe(w, "evjob.completed", handler("done"), events.Name("done"), events.Concurrency(1), events.Timeout(2*time.Second)))
	must(w.Start(ctx))
	c, err := rt.NewClient(ctx)
	must(err)
	for i := 0; i < eventsWorkflows; i++ {
		_, err := c.Start(ctx, client.StartParams{Workflow: "evjob", ID: fmt.Sprintf("ev-%d", i), Input: i})
		must(err)
	}
	if os.Getenv("INFGEN_EVENTS_LAST") == "" {
		select {} // until killed
	}
	mu.Lock()
	if len(handled) == want {
		allOnce.Do(func() { close(all) })
	}
	mu.Unlock()
	deadline := time.After(60 * time.Second)
	select {
	case <-all:
	case <-deadline:
		mu.Lock()
		fmt.Fprintf(os.Stderr, "only %d of %d handlings after a minute\n", len(handled), want)
		mu.Unlock()
		return 1
	}
	// The copies a killed process handled but did not forget yet come
	// again, find their dedup records done, and are forgotten then.
	for {
		queued, err := rt.Storage.ListTag(ctx, &storage.ListTagParams{Tag: engine.TagEventQueue})
		must(err)
		if len(queued) == 0 {
			break
		}
		select {
		case <-deadline:
			fmt.Fprintf(os.Stderr, "%d events still kept after a minute\n", len(queued))
			return 1
		case <-time.After(10 * time.Millisecond):
		}
	}
	must(w.Stop())
	write("last - - " + pid)
	_ = c.Close()
	must(rt.Close())
	return 0
}

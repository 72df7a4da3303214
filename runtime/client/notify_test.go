package client_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/failure"
	"github.com/infgen/infgen/runtime/internal/message"
	"github.com/infgen/infgen/runtime/storage"
	memstore "github.com/infgen/infgen/runtime/storage/memory"
	"github.com/infgen/infgen/runtime/transport"
	"github.com/infgen/infgen/runtime/transport/memory"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// readCounter counts reads of workflow states.
type readCounter struct {
	storage.Storage
	reads atomic.Int64
}

func (s *readCounter) Get(ctx context.Context, p *storage.GetParams) (*storage.Record, error) {
	if strings.HasPrefix(p.ID, "wf/") {
		s.reads.Add(1)
	}
	return s.Storage.Get(ctx, p)
}

// TestExecuteReadsNoState checks that Execute gets a new workflow's
// outcome from its completion notification: the client writes the start
// and reads nothing, for a completed and for a failed workflow; restarting
// a finished id waits for the new run, not the old one's outcome.
func TestExecuteReadsNoState(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tr, raw := memory.New(), memstore.New()
	t.Cleanup(func() { _ = tr.Close() })
	w, err := worker.New(worker.Options{Transport: tr, Storage: raw, Logger: quiet()})
	require.NoError(t, err)
	require.NoError(t, worker.RegisterWorkflow(w, "echo", func(ctx workflow.Context, in string) (string, error) {
		if in == "fail" {
			return "", errors.New("no")
		}
		return in + "!", nil
	}))
	require.NoError(t, w.RegisterService(worker.Service{Name: "unused", Methods: []worker.Method{{Name: "M",
		Handler: worker.Handle(codec.JSON{}, func(context.Context, *empty) (*empty, error) { return &empty{}, nil })}}}))
	require.NoError(t, w.Start(ctx))
	t.Cleanup(func() { _ = w.Stop() })
	counted := &readCounter{Storage: raw}
	c, err := client.New(ctx, client.Options{Transport: tr, Storage: counted, Logger: quiet()})
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })

	got, err := client.Execute[string](ctx, c, client.StartParams{Workflow: "echo", ID: "e1", Input: "hi"})
	require.NoError(t, err)
	require.Equal(t, "hi!", got)
	_, err = client.Execute[string](ctx, c, client.StartParams{Workflow: "echo", ID: "e2", Input: "fail"})
	var werr *failure.WorkflowError
	require.ErrorAs(t, err, &werr)
	require.Equal(t, "e2", werr.ID)
	require.EqualValues(t, 0, counted.reads.Load(), "Execute of a new workflow reads no state")

	got, err = client.Execute[string](ctx, c, client.StartParams{Workflow: "echo", ID: "e1", Input: "again", RestartIfFinished: true})
	require.NoError(t, err)
	require.Equal(t, "again!", got, "the new run's outcome")
	got, err = client.Execute[string](ctx, c, client.StartParams{Workflow: "echo", ID: "e1", Input: "ignored"})
	require.NoError(t, err)
	require.Equal(t, "again!", got, "an existing finished instance: its outcome, read from storage")
}

// TestExecuteIgnoresTheEndOfAnotherRun checks that Execute waits for the
// run it started: a completion notice of the earlier run of the same id,
// arriving late, is not taken for its outcome, while the end of a run that
// continued the one it started is.
func TestExecuteIgnoresTheEndOfAnotherRun(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tr, store := memory.New(), memstore.New()
	t.Cleanup(func() { _ = tr.Close() })
	w, err := worker.New(worker.Options{Transport: tr, Storage: store, Logger: quiet()})
	require.NoError(t, err)
	require.NoError(t, worker.RegisterWorkflow(w, "wait", func(ctx workflow.Context, runs int) (string, error) {
		if runs > 0 {
			return "", workflow.ContinueAsNew(ctx, runs-1)
		}
		return workflow.SignalChannel[string]("go").Receive(ctx)
	}))
	require.NoError(t, w.Start(ctx))
	t.Cleanup(func() { _ = w.Stop() })
	// A poll interval far longer than the test: only notices end a wait.
	c, err := client.New(ctx, client.Options{Transport: tr, Storage: store, Logger: quiet(), PollInterval: time.Hour})
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })

	type result struct {
		out string
		err error
	}
	first := make(chan result, 1)
	go func() {
		out, err := client.Execute[string](ctx, c, client.StartParams{Workflow: "wait", ID: "w1", Input: 2})
		first <- result{out, err}
	}()
	require.Eventually(t, func() bool {
		d, err := c.Describe(ctx, "w1")
		return err == nil && d.Run == 3 && d.Updated.After(d.Created)
	}, 5*time.Second, time.Millisecond)
	_, err = c.Signal(ctx, client.Target{ID: "w1"}, "go", "first")
	require.NoError(t, err)
	r := <-first
	require.NoError(t, r.err)
	require.Equal(t, "first", r.out, "the end of the third run, which the first one continued as")

	done := make(chan result, 1)
	go func() {
		out, err := client.Execute[string](ctx, c, client.StartParams{Workflow: "wait", ID: "w1", RestartIfFinished: true})
		done <- result{out, err}
	}()
	require.Eventually(t, func() bool {
		d, err := c.Describe(ctx, "w1")
		return err == nil && d.Run == 4 && d.Status == client.Running && d.Updated.After(d.Created)
	}, 5*time.Second, time.Millisecond)
	stale, err := message.Encode(&message.Envelope{Kind: message.Completed, ID: "n", WorkflowID: "w1", WorkflowName: "wait",
		RunID: "r3", Run: 3, Status: client.Completed, Payload: []byte(`"stale"`)})
	require.NoError(t, err)
	require.NoError(t, tr.Publish(ctx, &transport.PublishParams{Topic: message.CompletedTopic, Ephemeral: true,
		Message: transport.Message{Key: "w1", Payload: stale}}))
	select {
	case r := <-done:
		t.Fatalf("Execute returned %q, %v on the earlier run's notice", r.out, r.err)
	case <-time.After(50 * time.Millisecond):
	}
	_, err = c.Signal(ctx, client.Target{ID: "w1"}, "go", "fresh")
	require.NoError(t, err)
	select {
	case r := <-done:
		require.NoError(t, r.err)
		require.Equal(t, "fresh", r.out)
	case <-time.After(10 * time.Second):
		t.Fatal("Execute did not return on its run's notice")
	}
}

package client_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	memstore "github.com/infgen/infgen/runtime/storage/memory"
	"github.com/infgen/infgen/runtime/transport"
	"github.com/infgen/infgen/runtime/transport/memory"
	"github.com/infgen/infgen/runtime/worker"
)

// gatedTransport holds the first wake-up it is asked to publish until
// release, then fails it.
type gatedTransport struct {
	transport.Transport
	once    sync.Once
	held    chan struct{}
	release chan struct{}
}

func (g *gatedTransport) Publish(ctx context.Context, p *transport.PublishParams) error {
	first := false
	g.once.Do(func() { first = true })
	if first {
		close(g.held)
		<-g.release
		return errInjected
	}
	return g.Transport.Publish(ctx, p)
}

// TestConcurrentStartOfAFailingStart starts one id twice at once: the first
// start writes the run and fails to wake it; the second, meanwhile, finds
// the run. The second start's success must hold: the run exists after the
// first one's undo, and completes. (A second start that wrote nothing let
// the first one's undo delete a run it had reported.)
func TestConcurrentStartOfAFailingStart(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	mt := memory.New()
	tr := &gatedTransport{Transport: mt, held: make(chan struct{}), release: make(chan struct{})}
	store := memstore.New()
	w, err := worker.New(worker.Options{Transport: mt, Storage: store, Logger: quiet()})
	require.NoError(t, err)
	register(t, w)
	require.NoError(t, w.Start(ctx))
	// Two clients, as two processes: the first one's wake-ups go through
	// the gate.
	first, err := client.New(ctx, client.Options{Transport: tr, Storage: store, Logger: quiet(), PollInterval: 10 * time.Millisecond})
	require.NoError(t, err)
	second, err := client.New(ctx, client.Options{Transport: mt, Storage: store, Logger: quiet(), PollInterval: 10 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(func() { _ = first.Close(); _ = second.Close(); _ = w.Stop(); _ = mt.Close() })

	firstErr := make(chan error, 1)
	go func() {
		_, err := first.Start(ctx, client.StartParams{Workflow: "done", ID: "twice"})
		firstErr <- err
	}()
	<-tr.held // the first start wrote the run and is waking it
	_, err = second.Start(ctx, client.StartParams{Workflow: "done", ID: "twice"})
	require.NoError(t, err)
	close(tr.release) // the first start's wake-up fails: it undoes what it can
	require.NoError(t, <-firstErr, "the run the first start wrote stands, woken by the second")

	got, err := client.Result[int](ctx, second, "twice")
	require.NoError(t, err, "the run the second start reported must exist and complete")
	require.Equal(t, 1, got)
}

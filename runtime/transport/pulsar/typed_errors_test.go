package pulsar_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/failure"
	"github.com/infgen/infgen/runtime/service"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// DeclinedError is shaped like a generated OpenAPI operation's error: a
// status and a decoded problem body.
type DeclinedError struct {
	StatusCode int    `json:"statusCode"`
	Title      string `json:"title"`
	Detail     string `json:"detail"`
}

func (e *DeclinedError) Error() string { return fmt.Sprintf("HTTP %d: %s", e.StatusCode, e.Title) }

func cardErrors() []failure.ErrorType {
	return []failure.ErrorType{failure.JSONType[DeclinedError]("cards.DeclinedError")}
}

// registerCards hosts, in the worker child, a card service that declines
// every charge.
func registerCards(w *worker.Worker) error {
	decline := func(_ context.Context, in *stepIn) (*stepOut, error) {
		return nil, service.Permanent(&DeclinedError{StatusCode: 402, Title: "Card declined", Detail: "card of " + in.Workflow + " declined"})
	}
	return w.RegisterService(worker.Service{Name: "cards", Errors: cardErrors(), Methods: []worker.Method{
		{Name: "Charge", Handler: worker.Handle(codec.JSON{}, decline)},
	}})
}

// TestTypedErrorCrossesProcesses runs the card service in a worker process
// and the workflow in this one: the decline crosses the broker as type name
// and payload, and errors.As in the workflow finds the typed error. A call
// that does not name the types gets a RemoteError with the same data.
func TestTypedErrorCrossesProcesses(t *testing.T) {
	t.Parallel()
	clusterEnv(t)
	dir := t.TempDir()
	prefix := fmt.Sprintf("e%x.", rand.Uint32())
	startWorker(t, dir, prefix)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	tr, st, err := openRuntime(ctx, prefix, log)
	require.NoError(t, err)
	t.Cleanup(func() { _ = tr.Close(); _ = st.Close() })
	w, err := worker.New(worker.Options{Transport: tr, Storage: st, Logger: log})
	require.NoError(t, err)
	require.NoError(t, worker.RegisterWorkflow(w, "typed", func(ctx workflow.Context, named bool) (string, error) {
		call := workflow.Call{Service: "cards", Method: "Charge", Codec: codec.JSON{}, Input: &stepIn{Workflow: ctx.Info().ID}}
		if named {
			call.Errors = cardErrors()
		}
		_, err := workflow.Dispatch[*stepOut](ctx, call).Await(ctx)
		var declined *DeclinedError
		var remote *workflow.RemoteError
		switch {
		case errors.As(err, &declined):
			return fmt.Sprintf("typed %d %s: %s", declined.StatusCode, declined.Title, declined.Detail), nil
		case errors.As(err, &remote):
			return "remote " + remote.Type + " " + string(remote.Payload), nil
		}
		return fmt.Sprintf("%T %v", err, err), nil
	}))
	require.NoError(t, w.Start(ctx))
	t.Cleanup(func() { _ = w.Stop() })
	_, c := testClient(t, ctx, prefix, 200*time.Millisecond, false)

	got, err := client.Execute[string](ctx, c, client.StartParams{Workflow: "typed", ID: prefix + "named", Input: true})
	require.NoError(t, err)
	require.Equal(t, "typed 402 Card declined: card of "+prefix+"named declined", got)

	got, err = client.Execute[string](ctx, c, client.StartParams{Workflow: "typed", ID: prefix + "unnamed", Input: false})
	require.NoError(t, err)
	require.Equal(t, `remote cards.DeclinedError {"statusCode":402,"title":"Card declined","detail":"card of `+prefix+`unnamed declined"}`, got)
}

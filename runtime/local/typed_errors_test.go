package local_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/failure"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/service"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// DeclinedError is shaped like a generated OpenAPI operation's error.
type DeclinedError struct {
	StatusCode int    `json:"statusCode"`
	Detail     string `json:"detail"`
}

func (e *DeclinedError) Error() string { return fmt.Sprintf("HTTP %d: %s", e.StatusCode, e.Detail) }

func cardErrors() []failure.ErrorType {
	return []failure.ErrorType{failure.JSONType[DeclinedError]("cards.DeclinedError")}
}

type chargeIn struct{ Customer string }

// billAfterResume charges, then waits for the "resume" signal before it
// looks at the charge's error: by then the error is only in the state file.
func billAfterResume(ctx workflow.Context, customer string) (string, error) {
	_, err := workflow.Dispatch[*chargeIn](ctx, workflow.Call{Service: "cards", Method: "Charge", Codec: codec.JSON{},
		Input: &chargeIn{Customer: customer}, Errors: cardErrors()}).Await(ctx)
	if _, err := workflow.SignalChannel[string]("resume").Receive(ctx); err != nil {
		return "", err
	}
	var declined *DeclinedError
	if !errors.As(err, &declined) {
		return fmt.Sprintf("untyped %T: %v", err, err), nil
	}
	return fmt.Sprintf("%d %s", declined.StatusCode, declined.Detail), nil
}

// TestTypedErrorSurvivesARestart records a typed task failure in a state
// file, stops everything, and resumes the workflow on a new runtime whose
// worker hosts the workflow only: the error is decoded from the file.
func TestTypedErrorSurvivesARestart(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	path := filepath.Join(t.TempDir(), "state.db")
	quiet := worker.Options{Logger: slog.New(slog.DiscardHandler)}

	rt, err := local.Open(path)
	require.NoError(t, err)
	w, err := rt.NewWorker(quiet)
	require.NoError(t, err)
	decline := func(_ context.Context, in *chargeIn) (*chargeIn, error) {
		return nil, service.Permanent(&DeclinedError{StatusCode: 402, Detail: "card of " + in.Customer + " declined"})
	}
	require.NoError(t, w.RegisterService(worker.Service{Name: "cards", Errors: cardErrors(), Methods: []worker.Method{
		{Name: "Charge", Handler: worker.Handle(codec.JSON{}, decline)},
	}}))
	require.NoError(t, worker.RegisterWorkflow(w, "bill", billAfterResume))
	require.NoError(t, w.Start(ctx))
	c, err := rt.NewClient(ctx)
	require.NoError(t, err)
	id, err := c.Start(ctx, client.StartParams{Workflow: "bill", Input: "ada"})
	require.NoError(t, err)
	for { // until the charge's failure is recorded
		d, err := c.Describe(ctx, id)
		require.NoError(t, err)
		if d.Steps == 1 && d.PendingTasks == 0 {
			break
		}
		require.NoError(t, ctx.Err(), "the charge did not fail")
		time.Sleep(5 * time.Millisecond)
	}
	require.NoError(t, c.Close())
	require.NoError(t, w.Stop())
	require.NoError(t, rt.Close())

	rt, err = local.Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { _ = rt.Close() })
	w, err = rt.NewWorker(quiet)
	require.NoError(t, err)
	require.NoError(t, worker.RegisterWorkflow(w, "bill", billAfterResume))
	require.NoError(t, w.Start(ctx))
	t.Cleanup(func() { _ = w.Stop() })
	c, err = rt.NewClient(ctx, func(o *client.Options) { o.PollInterval = 10 * time.Millisecond })
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	_, err = c.Signal(ctx, client.Target{ID: id}, "resume", "now")
	require.NoError(t, err)
	got, err := client.Result[string](ctx, c, id)
	require.NoError(t, err)
	require.Equal(t, "402 card of ada declined", got)
}

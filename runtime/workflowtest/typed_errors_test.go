package workflowtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/failure"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/service"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
	"github.com/infgen/infgen/runtime/workflowtest"
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

// chargeOrExplain charges a card; naming the error types (as generated
// stubs do) or not decides whether the decline is typed.
func chargeOrExplain(named bool) func(ctx workflow.Context, customer string) (string, error) {
	return func(ctx workflow.Context, customer string) (string, error) {
		call := workflow.Call{Service: "cards", Method: "Charge", Codec: codec.JSON{}, Input: &num{N: len(customer)}}
		if named {
			call.Errors = cardErrors()
		}
		_, err := workflow.Dispatch[*num](ctx, call).Await(ctx)
		var declined *DeclinedError
		if errors.As(err, &declined) {
			return fmt.Sprintf("declined with %d: %s", declined.StatusCode, declined.Detail), nil
		}
		return "", err
	}
}

const recordedTyped = "testdata/typed_error.json"

// TestRecordedTypedErrorReplays replays a history holding a typed task
// failure: the code that names the type takes the same branch as when it
// was recorded; code that does not gets a RemoteError and ends otherwise.
func TestRecordedTypedErrorReplays(t *testing.T) {
	t.Parallel()
	if *update {
		recordTyped(t)
	}
	state, err := os.ReadFile(recordedTyped)
	require.NoError(t, err, "run go test ./runtime/workflowtest -update to record it")
	require.NoError(t, workflowtest.Replay(workflow.Define("charge", chargeOrExplain(true)), state))

	err = workflowtest.Replay(workflow.Define("charge", chargeOrExplain(false)), state)
	require.ErrorContains(t, err, "completed in history but not on replay")
}

func recordTyped(t *testing.T) {
	rt, err := local.Open("")
	require.NoError(t, err)
	defer rt.Close()
	w, err := rt.NewWorker(worker.Options{})
	require.NoError(t, err)
	decline := func(_ context.Context, in *num) (*num, error) {
		return nil, service.Permanent(&DeclinedError{StatusCode: 402, Detail: fmt.Sprintf("card %d declined", in.N)})
	}
	require.NoError(t, w.RegisterService(worker.Service{Name: "cards", Errors: cardErrors(),
		Methods: []worker.Method{{Name: "Charge", Handler: worker.Handle(codec.JSON{}, decline)}}}))
	require.NoError(t, w.RegisterWorkflow(workflow.Define("charge", chargeOrExplain(true))))
	ctx := context.Background()
	require.NoError(t, w.Start(ctx))
	defer w.Stop()
	c, err := rt.NewClient(ctx)
	require.NoError(t, err)
	got, err := client.Execute[string](ctx, c, client.StartParams{Workflow: "charge", ID: "recorded-typed", Input: "ada"})
	require.NoError(t, err)
	require.Equal(t, "declined with 402: card 3 declined", got)
	state, err := c.State(ctx, "recorded-typed")
	require.NoError(t, err)
	var pretty bytes.Buffer
	require.NoError(t, json.Indent(&pretty, state, "", "  "))
	require.NoError(t, os.WriteFile(recordedTyped, pretty.Bytes(), 0o644))
}

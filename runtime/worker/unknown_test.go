package worker_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// TestUnknownTargetsFailAtOnce: a child workflow or a task whose name no
// worker registered on the store fails in the workflow at once, naming the
// closest registered name, instead of waiting forever.
func TestUnknownTargetsFailAtOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(w *worker.Worker) {
		require.NoError(t, w.RegisterService(worker.Service{Name: "payments", Methods: []worker.Method{{Name: "Charge",
			Handler: worker.Handle(codec.JSON{}, func(_ context.Context, in *int) (*int, error) { return in, nil })}}}))
		require.NoError(t, worker.RegisterWorkflow(w, "billing.monthly", func(ctx workflow.Context, _ int) (int, error) { return 1, nil }))
		require.NoError(t, worker.RegisterWorkflow(w, "parent", func(ctx workflow.Context, _ int) ([]string, error) {
			_, cerr := workflow.ExecuteChild[int](ctx, workflow.ChildCall{Workflow: "billing.montly"}).Await(ctx)
			var ce *workflow.ChildError
			if !errors.As(cerr, &ce) {
				return nil, errors.New("the child's failure is not a ChildError")
			}
			_, terr := workflow.Dispatch[*int](ctx, workflow.Call{Service: "payments", Method: "Chrage", Input: new(int)}).Await(ctx)
			var te *workflow.TaskError
			if !errors.As(terr, &te) {
				return nil, errors.New("the task's failure is not a TaskError")
			}
			return []string{ce.Cause.Error(), te.Cause.Error(), itoa(te.Attempts)}, nil
		}))
	})
	out, err := client.Execute[[]string](t.Context(), e.client, client.StartParams{Workflow: "parent", Input: 0})
	require.NoError(t, err)
	require.Equal(t, []string{
		`unknown workflow "billing.montly" — did you mean "billing.monthly"?`,
		`unknown service method "payments.Chrage" — did you mean "payments.Charge"?`,
		"1",
	}, out)
}

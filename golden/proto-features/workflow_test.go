package features_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/status"

	inv "github.com/infgen/infgen/golden/proto-features/expected"
	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/grpcapi"
	"github.com/infgen/infgen/runtime/retry"
	memstore "github.com/infgen/infgen/runtime/storage/memory"
	"github.com/infgen/infgen/runtime/transport/memory"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// restock is a workflow over the generated stubs: a synchronous call, a
// call started with workflow.Async and awaited later, a flaky call and a server-streaming call.
func restock(ctx workflow.Context, id string) ([]string, error) {
	stub := inv.NewInventory2Stub()
	if _, err := stub.PutItem(ctx, &inv.PutItemRequest{Item: &inv.Item{Id: id, Name: "name-" + id}}); err != nil {
		return nil, err
	}
	pending := workflow.Async(ctx, stub.GetItem, &inv.GetItemRequest{Id: id})
	flaky, err := stub.GetItem(ctx, &inv.GetItemRequest{Id: "flaky"})
	if err != nil {
		return nil, err
	}
	item, err := pending.Await(ctx)
	if err != nil {
		return nil, err
	}
	list, err := stub.ListItems(ctx, &inv.ListItemsRequest{Prefix: "s", Limit: 2})
	if err != nil {
		return nil, err
	}
	out := []string{item.GetName(), flaky.GetName()}
	for _, m := range list.GetMessages() {
		out = append(out, m.GetName())
	}
	return out, nil
}

// lookup fails permanently: the workflow sees the error after one attempt.
func lookup(ctx workflow.Context, id string) (string, error) {
	item, err := inv.NewInventory2Stub().GetItem(ctx, &inv.GetItemRequest{Id: id})
	if err != nil {
		return "", err
	}
	return item.GetName(), nil
}

func TestWorkflowCallsGRPCServiceThroughWorker(t *testing.T) {
	t.Parallel()
	srv, conn := startServer(t)
	srv.items["flaky"] = &inv.Item{Id: "flaky", Name: "finally"}
	srv.flakes = 2

	tr, store := memory.New(), memstore.New()
	w, err := worker.New(worker.Options{Transport: tr, Storage: store, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	fast := retry.Policy{MaxAttempts: 5, Initial: 5 * time.Millisecond, Multiplier: 2, Max: 50 * time.Millisecond}
	require.NoError(t, inv.RegisterInventory2(w, inv.NewInventory2GRPCClient(conn), worker.WithRetry(fast), worker.WithTimeout(5*time.Second)))
	require.NoError(t, worker.RegisterWorkflow(w, "restock", restock))
	require.NoError(t, worker.RegisterWorkflow(w, "lookup", lookup))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	require.NoError(t, w.Start(ctx))
	c, err := client.New(ctx, client.Options{Transport: tr, Storage: store, PollInterval: 50 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = c.Close()
		_ = w.Stop()
		_ = tr.Close()
	})

	got, err := client.Execute[[]string](ctx, c, client.StartParams{Workflow: "restock", Input: "k1"})
	require.NoError(t, err)
	require.Equal(t, []string{"name-k1", "finally", "s-0", "s-1"}, got)

	keys := srv.keys("GetItem")
	require.NotEmpty(t, keys)
	flakyKeys := 0
	for _, k := range keys {
		require.NotEmpty(t, k, "every task call carries an idempotency key")
	}
	// The flaky call was attempted three times with one stable task id.
	counts := map[string]int{}
	for _, k := range keys {
		counts[k]++
		if counts[k] == 3 {
			flakyKeys++
		}
	}
	require.Equal(t, 1, flakyKeys, "retries of one task reuse its id as idempotency key: %v", keys)

	_, err = client.Execute[string](ctx, c, client.StartParams{Workflow: "lookup", Input: "code:NOT_FOUND"})
	require.ErrorContains(t, err, "NotFound")
	require.Len(t, srv.keys("GetItem"), len(keys)+1, "a permanent error is not retried")
}

// inspect looks into a failed call's status: code, message and details.
func inspect(ctx workflow.Context, id string) (string, error) {
	_, err := inv.NewInventory2Stub().GetItem(ctx, &inv.GetItemRequest{Id: id})
	var st *grpcapi.StatusError
	if !errors.As(err, &st) {
		return "", fmt.Errorf("not a *grpcapi.StatusError: %w", err)
	}
	out := fmt.Sprintf("%s %q", st.Code(), st.Message())
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			out += " bad field " + br.GetFieldViolations()[0].GetField()
		}
	}
	return out + " / status.Code " + status.Code(err).String(), nil
}

// TestStatusWithDetailsReachesTheWorkflow has the server fail with a status
// carrying a google.rpc.BadRequest: the workflow, in a worker that does not
// host the service, inspects the code, message and details.
func TestStatusWithDetailsReachesTheWorkflow(t *testing.T) {
	t.Parallel()
	_, conn := startServer(t)
	tr, store := memory.New(), memstore.New()
	services, err := worker.New(worker.Options{Transport: tr, Storage: store, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	require.NoError(t, inv.RegisterInventory2(services, inv.NewInventory2GRPCClient(conn)))
	workflows, err := worker.New(worker.Options{Transport: tr, Storage: store, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	require.NoError(t, worker.RegisterWorkflow(workflows, "inspect", inspect))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	require.NoError(t, services.Start(ctx))
	require.NoError(t, workflows.Start(ctx))
	c, err := client.New(ctx, client.Options{Transport: tr, Storage: store, PollInterval: 20 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = c.Close()
		_ = workflows.Stop()
		_ = services.Stop()
		_ = tr.Close()
	})
	got, err := client.Execute[string](ctx, c, client.StartParams{Workflow: "inspect", Input: "badrequest:INVALID_ARGUMENT:id"})
	require.NoError(t, err)
	require.Equal(t, `InvalidArgument "failing as asked: badrequest:INVALID_ARGUMENT:id" bad field id / status.Code InvalidArgument`, got)
}

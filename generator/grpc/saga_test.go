package grpc_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	orders "github.com/infgen/infgen/golden/proto-saga/expected"
	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/service"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
	"github.com/infgen/infgen/runtime/workflowtest"
)

// shop implements the generated Orders interface of golden/proto-saga in
// memory; ReserveStock of sku "gone" fails for good.
type shop struct {
	mu  sync.Mutex
	log []string
}

func (s *shop) record(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, fmt.Sprintf(format, args...))
}

func (s *shop) CreateOrder(_ context.Context, in *orders.CreateOrderRequest) (*orders.Order, error) {
	s.record("create %s", in.GetCustomerId())
	return &orders.Order{Id: "ord_" + in.GetCustomerId(), Status: "open"}, nil
}

func (s *shop) CancelOrder(_ context.Context, in *orders.CancelOrderRequest) (*orders.Order, error) {
	s.record("cancel %s (%s)", in.GetOrderId(), in.GetReason())
	return &orders.Order{Id: in.GetOrderId(), Status: "canceled"}, nil
}

func (s *shop) ReserveStock(_ context.Context, in *orders.ReserveStockRequest) (*orders.ReserveStockResponse, error) {
	if in.GetSku() == "gone" {
		return nil, service.Permanent(status.Error(codes.FailedPrecondition, "out of stock"))
	}
	s.record("reserve %s", in.GetSku())
	return &orders.ReserveStockResponse{Reservation: &orders.Reservation{Id: "res_" + in.GetSku()}}, nil
}

func (s *shop) ReleaseStock(_ context.Context, in *orders.ReleaseStockRequest) (*orders.ReleaseStockResponse, error) {
	s.record("release %s of %s", in.GetReservationId(), in.GetSku())
	return &orders.ReleaseStockResponse{}, nil
}

// TestGeneratedCompensationsUndoAnOrder: the stub's …Compensated methods
// register the compensations the proto declares; when a reservation fails,
// the saga releases the earlier one (read from a nested response field)
// and cancels the order (with the request's note as the optional reason),
// the last first. The history replays.
func TestGeneratedCompensationsUndoAnOrder(t *testing.T) {
	t.Parallel()
	s := &shop{}
	flow := workflow.Define("saga.order", func(ctx workflow.Context, skus []string) (string, error) {
		stub := orders.NewOrdersStub()
		saga := workflow.NewSaga()
		if _, err := stub.CreateOrderCompensated(ctx, saga, &orders.CreateOrderRequest{CustomerId: "c1", Note: "out of stock"}); err != nil {
			return "", err
		}
		for _, sku := range skus {
			if _, err := stub.ReserveStockCompensated(ctx, saga, &orders.ReserveStockRequest{Sku: sku, Quantity: 1}); err != nil {
				return "undone", saga.Compensate(ctx)
			}
		}
		return "ordered", nil
	})
	env := workflowtest.NewEnv(t, func(w *worker.Worker) error {
		if err := orders.Register(w, s); err != nil {
			return err
		}
		return w.RegisterWorkflow(flow)
	})
	out, err := workflowtest.ExecuteRef(env, flow, []string{"apple", "gone"}, client.StartParams{ID: "saga-order"})
	require.NoError(t, err)
	require.Equal(t, "undone", out)
	require.Equal(t, []string{"create c1", "reserve apple", "release res_apple of apple", "cancel ord_c1 (out of stock)"}, s.log)
	state, err := env.Client.State(context.Background(), "saga-order")
	require.NoError(t, err)
	require.NoError(t, workflowtest.Replay(flow, state))

	_, err = orders.NewOrdersStub().CreateOrderCompensation(&orders.CreateOrderRequest{}, &orders.Order{})
	require.EqualError(t, err, "compensation of CreateOrder: $response.body#/id is empty")
}

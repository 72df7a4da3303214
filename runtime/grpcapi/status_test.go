package grpcapi_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/failure"
	"github.com/infgen/infgen/runtime/grpcapi"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// TestStatusErrorReachesTheWorkflow fails a task the way a generated gRPC
// client does (a classified status error with details) and checks that the
// workflow, naming grpcapi.StatusErrorType as generated stubs do, sees the
// code, message and details.
func TestStatusErrorReachesTheWorkflow(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rt, err := local.Open("")
	require.NoError(t, err)
	t.Cleanup(func() { _ = rt.Close() })
	w, err := rt.NewWorker(worker.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	types := []failure.ErrorType{grpcapi.StatusErrorType()}
	lookup := func(_ context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
		st, err := status.New(codes.InvalidArgument, "bad sku "+in.GetValue()).WithDetails(&errdetails.BadRequest{
			FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: "sku", Description: "unknown"}},
		})
		if err != nil {
			return nil, err
		}
		return nil, grpcapi.Classify(st.Err())
	}
	require.NoError(t, w.RegisterService(worker.Service{Name: "inventory.Inventory", Errors: types, Methods: []worker.Method{
		{Name: "Lookup", Handler: worker.Handle(codec.Proto{}, lookup)},
	}}))
	require.NoError(t, worker.RegisterWorkflow(w, "lookup", func(ctx workflow.Context, sku string) (string, error) {
		_, err := workflow.Dispatch[*wrapperspb.StringValue](ctx, workflow.Call{Service: "inventory.Inventory", Method: "Lookup",
			Codec: codec.Proto{}, Input: wrapperspb.String(sku), Errors: types}).Await(ctx)
		var st *grpcapi.StatusError
		if !errors.As(err, &st) {
			return fmt.Sprintf("untyped %T", err), nil
		}
		var field string
		for _, d := range st.Details() {
			if br, ok := d.(*errdetails.BadRequest); ok {
				field = br.GetFieldViolations()[0].GetField()
			}
		}
		return fmt.Sprintf("%s %q field=%s status.Code=%s", st.Code(), st.Message(), field, status.Code(err)), nil
	}))
	require.NoError(t, w.Start(ctx))
	t.Cleanup(func() { _ = w.Stop() })
	c, err := rt.NewClient(ctx, func(o *client.Options) { o.PollInterval = 10 * time.Millisecond })
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	got, err := client.Execute[string](ctx, c, client.StartParams{Workflow: "lookup", Input: "x-1"})
	require.NoError(t, err)
	require.Equal(t, `InvalidArgument "bad sku x-1" field=sku status.Code=InvalidArgument`, got)
}

func TestStatusErrorTypeMatchesStatusesOnly(t *testing.T) {
	t.Parallel()
	et := grpcapi.StatusErrorType()
	require.True(t, et.Match(status.Error(codes.NotFound, "gone")))
	require.True(t, et.Match(grpcapi.NewStatusError(status.New(codes.NotFound, "gone"))))
	require.False(t, et.Match(errors.New("plain")))
	require.False(t, et.Match(fmt.Errorf("wrapped: %w", status.Error(codes.NotFound, "gone"))), "the node itself, not its chain")

	b, err := et.Marshal(status.Error(codes.NotFound, "gone"))
	require.NoError(t, err)
	require.JSONEq(t, `{"code":5,"message":"gone"}`, string(b))
	back, err := et.Unmarshal(b)
	require.NoError(t, err)
	require.Equal(t, "rpc error: code = NotFound desc = gone", back.Error())
	_, err = et.Unmarshal([]byte(`{"code":"five"}`))
	require.Error(t, err)
}

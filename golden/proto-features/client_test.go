package features_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"

	inv "github.com/infgen/infgen/golden/proto-features/expected"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/service"
	"github.com/infgen/infgen/runtime/worker"
)

func taskCtx(t *testing.T, id string, timeout time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	return service.WithTask(ctx, service.Task{ID: id, Service: inv.Inventory2ServiceName, Attempt: 1})
}

func TestUnaryCallSendsIdempotencyKeyAndDeadline(t *testing.T) {
	t.Parallel()
	srv, conn := startServer(t)
	c := inv.NewInventory2GRPCClient(conn)

	ack, err := c.PutItem(taskCtx(t, "task-42", 5*time.Second), &inv.PutItemRequest{Item: &inv.Item{Id: "a", Name: "apple", Kind: inv.Item_KIND_PHYSICAL}})
	require.NoError(t, err)
	require.Equal(t, "a", ack.GetId())
	got := srv.last()
	require.Equal(t, "PutItem", got.method)
	require.Equal(t, "task-42", got.idempotencyKey)
	require.Greater(t, got.deadline, 3*time.Second, "the task timeout must travel as the call deadline")
	require.LessOrEqual(t, got.deadline, 5*time.Second)

	item, err := c.GetItem(context.Background(), &inv.GetItemRequest{Id: "a"})
	require.NoError(t, err)
	require.Equal(t, "apple", item.GetName())
	got = srv.last()
	require.Empty(t, got.idempotencyKey, "no task, no idempotency key")
	require.Zero(t, got.deadline)
}

func TestEmptyAndRenamedMethods(t *testing.T) {
	t.Parallel()
	srv, conn := startServer(t)
	c := inv.NewInventory2GRPCClient(conn)
	ctx := taskCtx(t, "t", 5*time.Second)
	_, err := c.PutItem(ctx, &inv.PutItemRequest{Item: &inv.Item{Id: "b"}})
	require.NoError(t, err)
	// DispatchGetItem2 is the RPC DispatchGetItem, renamed away from the
	// name reserved for GetItem's asynchronous stub method.
	item, err := c.DispatchGetItem2(ctx, &inv.GetItemRequest{Id: "b"})
	require.NoError(t, err)
	require.Equal(t, "b", item.GetId())
	_, err = c.Reset(ctx, &emptypb.Empty{})
	require.NoError(t, err)
	require.Equal(t, "Reset", srv.last().method)
	_, err = c.GetItem(ctx, &inv.GetItemRequest{Id: "b"})
	require.Equal(t, codes.NotFound, status.Code(err))

	_, err = inv.NewAuditGRPCClient(conn).Record(ctx, &inv.Ack{Id: "x"})
	require.NoError(t, err)
	require.Equal(t, "Record", srv.last().method)
}

func TestErrorClassificationByStatusCode(t *testing.T) {
	t.Parallel()
	_, conn := startServer(t)
	c := inv.NewInventory2GRPCClient(conn)
	cases := []struct {
		code      string
		retryable bool
	}{
		{"UNAVAILABLE", true},
		{"RESOURCE_EXHAUSTED", true},
		{"ABORTED", true},
		{"DEADLINE_EXCEEDED", true},
		{"INTERNAL", true},
		{"INVALID_ARGUMENT", false},
		{"NOT_FOUND", false},
		{"ALREADY_EXISTS", false},
		{"PERMISSION_DENIED", false},
		{"FAILED_PRECONDITION", false},
		{"UNIMPLEMENTED", false},
		{"OUT_OF_RANGE", false},
	}
	for _, tc := range cases {
		t.Run(tc.code, func(t *testing.T) {
			t.Parallel()
			_, err := c.GetItem(taskCtx(t, "t", 5*time.Second), &inv.GetItemRequest{Id: "code:" + tc.code})
			require.Error(t, err)
			require.Equal(t, tc.retryable, service.IsRetryable(err))
			require.Zero(t, service.RetryAfter(err))
			st, ok := status.FromError(err)
			require.True(t, ok, "the gRPC status stays reachable")
			require.Equal(t, tc.code, codeName(st.Code()))
		})
	}
}

// codeName spells a code as in the .proto world ("NOT_FOUND").
func codeName(c codes.Code) string {
	var b strings.Builder
	for i, r := range c.String() {
		if i > 0 && unicode.IsUpper(r) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

func TestRetryInfoIsHonoured(t *testing.T) {
	t.Parallel()
	_, conn := startServer(t)
	c := inv.NewInventory2GRPCClient(conn)
	for _, tc := range []struct {
		id    string
		after time.Duration
	}{
		{"retryinfo:RESOURCE_EXHAUSTED:3s", 3 * time.Second},
		{"retryinfo:UNAVAILABLE:250ms", 250 * time.Millisecond},
		{"retryinfo:INTERNAL:2s", 2 * time.Second},
	} {
		_, err := c.GetItem(taskCtx(t, "t", 5*time.Second), &inv.GetItemRequest{Id: tc.id})
		require.True(t, service.IsRetryable(err), tc.id)
		require.Equal(t, tc.after, service.RetryAfter(err), tc.id)
	}
}

func TestExpiredTaskDeadlineIsRetryable(t *testing.T) {
	t.Parallel()
	_, conn := startServer(t)
	ctx := taskCtx(t, "t", time.Nanosecond)
	time.Sleep(time.Millisecond)
	_, err := inv.NewInventory2GRPCClient(conn).GetItem(ctx, &inv.GetItemRequest{Id: "a"})
	require.Equal(t, codes.DeadlineExceeded, status.Code(err))
	require.True(t, service.IsRetryable(err))
}

func TestServerStreamingCollectsMessages(t *testing.T) {
	t.Parallel()
	srv, conn := startServer(t)
	c := inv.NewInventory2GRPCClient(conn)
	out, err := c.ListItems(taskCtx(t, "task-s", 5*time.Second), &inv.ListItemsRequest{Prefix: "p", Limit: 5})
	require.NoError(t, err)
	require.Len(t, out.GetMessages(), 5)
	for i, m := range out.GetMessages() {
		require.Equal(t, "p-"+string(rune('0'+i)), m.GetName())
	}
	require.Equal(t, "task-s", srv.last().idempotencyKey)

	empty, err := c.ListItems(taskCtx(t, "t", 5*time.Second), &inv.ListItemsRequest{Prefix: "p", Limit: 0})
	require.NoError(t, err)
	require.Empty(t, empty.GetMessages())
}

func TestServerStreamingBoundsAndErrors(t *testing.T) {
	t.Parallel()
	_, conn := startServer(t)
	c := inv.NewInventory2GRPCClient(conn)

	_, err := c.ListItems(taskCtx(t, "t", 10*time.Second), &inv.ListItemsRequest{Prefix: "many", Limit: inv.MaxStreamMessages + 1})
	require.ErrorContains(t, err, "exceeds")
	require.False(t, service.IsRetryable(err), "a stream over the bound cannot succeed on retry")

	_, err = c.ListItems(taskCtx(t, "t", 10*time.Second), &inv.ListItemsRequest{Prefix: "big", Limit: 5})
	require.ErrorContains(t, err, "exceeds")
	require.False(t, service.IsRetryable(err))

	_, err = c.ListItems(taskCtx(t, "t", 5*time.Second), &inv.ListItemsRequest{Prefix: "fail-after:2", Limit: 5})
	require.Equal(t, codes.Unavailable, status.Code(err))
	require.True(t, service.IsRetryable(err))

	out, err := c.ListItems(taskCtx(t, "t", 10*time.Second), &inv.ListItemsRequest{Prefix: "many", Limit: inv.MaxStreamMessages})
	require.NoError(t, err)
	require.Len(t, out.GetMessages(), inv.MaxStreamMessages)
}

func TestTaskHandlerEncodesProtobuf(t *testing.T) {
	t.Parallel()
	_, conn := startServer(t)
	c := inv.NewInventory2GRPCClient(conn)
	put := worker.Handle(codec.Proto{}, c.PutItem)
	in, err := proto.Marshal(&inv.PutItemRequest{Item: &inv.Item{Id: "h", StockByWarehouse: map[string]int32{"w1": 3}}})
	require.NoError(t, err)
	outBytes, err := put(taskCtx(t, "t", 5*time.Second), in)
	require.NoError(t, err)
	var ack inv.Ack
	require.NoError(t, proto.Unmarshal(outBytes, &ack))
	require.Equal(t, "h", ack.GetId())

	_, err = put(context.Background(), []byte{0xff, 0xff})
	var decodeErr *worker.DecodeError
	require.ErrorAs(t, err, &decodeErr)
}

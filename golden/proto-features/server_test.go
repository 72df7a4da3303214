package features_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/reflection"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/emptypb"

	inv "github.com/infgen/infgen/golden/proto-features/expected"
)

// seen is what the server observed of one call.
type seen struct {
	method         string
	idempotencyKey string
	deadline       time.Duration // remaining at arrival; 0 when none
}

// inventoryServer is a real grpc-go server for the golden Inventory and
// Audit services, registered through hand-written service descriptors (the
// generated package has no server side).
type inventoryServer struct {
	mu     sync.Mutex
	calls  []seen
	items  map[string]*inv.Item
	flakes int // GetItem("flaky") fails with UNAVAILABLE this many times
}

func (s *inventoryServer) record(ctx context.Context, method string) {
	c := seen{method: method}
	if md, ok := metadata.FromIncomingContext(ctx); ok {
		if v := md.Get("idempotency-key"); len(v) > 0 {
			c.idempotencyKey = v[0]
		}
	}
	if d, ok := ctx.Deadline(); ok {
		c.deadline = time.Until(d)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, c)
}

// keys returns the idempotency keys of the calls of one method.
func (s *inventoryServer) keys(method string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, c := range s.calls {
		if c.method == method {
			out = append(out, c.idempotencyKey)
		}
	}
	return out
}

func (s *inventoryServer) last() seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[len(s.calls)-1]
}

// failure turns an item id such as "code:UNAVAILABLE",
// "retryinfo:RESOURCE_EXHAUSTED:3s" or "badrequest:INVALID_ARGUMENT:id"
// (with a google.rpc.BadRequest naming the field) into the status the
// server answers.
func failure(id string) error {
	parts := strings.Split(id, ":")
	if len(parts) < 2 {
		return nil
	}
	var c codes.Code
	if err := c.UnmarshalJSON([]byte(`"` + parts[1] + `"`)); err != nil {
		return status.Errorf(codes.Internal, "bad code %q", parts[1])
	}
	st := status.New(c, "failing as asked: "+id)
	if parts[0] == "retryinfo" && len(parts) == 3 {
		d, err := time.ParseDuration(parts[2])
		if err != nil {
			return status.Errorf(codes.Internal, "bad delay %q", parts[2])
		}
		withDetails, err := st.WithDetails(&errdetails.RetryInfo{RetryDelay: durationpb.New(d)})
		if err != nil {
			return err
		}
		st = withDetails
	}
	if parts[0] == "badrequest" && len(parts) == 3 {
		withDetails, err := st.WithDetails(&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
			{Field: parts[2], Description: "not allowed"},
		}})
		if err != nil {
			return err
		}
		st = withDetails
	}
	return st.Err()
}

func (s *inventoryServer) getItem(ctx context.Context, in *inv.GetItemRequest) (*inv.Item, error) {
	s.record(ctx, "GetItem")
	if err := failure(in.GetId()); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if in.GetId() == "flaky" && s.flakes > 0 {
		s.flakes--
		return nil, status.Error(codes.Unavailable, "flaky")
	}
	if it, ok := s.items[in.GetId()]; ok {
		return it, nil
	}
	return nil, status.Errorf(codes.NotFound, "no item %q", in.GetId())
}

func (s *inventoryServer) putItem(ctx context.Context, in *inv.PutItemRequest) (*inv.Ack, error) {
	s.record(ctx, "PutItem")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items[in.GetItem().GetId()] = in.GetItem()
	return &inv.Ack{Id: in.GetItem().GetId()}, nil
}

func (s *inventoryServer) reset(ctx context.Context, _ *emptypb.Empty) (*emptypb.Empty, error) {
	s.record(ctx, "Reset")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items = map[string]*inv.Item{}
	return &emptypb.Empty{}, nil
}

// listItems streams Limit items named Prefix-N; a prefix "fail-after:N"
// fails with UNAVAILABLE after N items, "big" sends 1 MiB names.
func (s *inventoryServer) listItems(in *inv.ListItemsRequest, stream grpc.ServerStream) error {
	s.record(stream.Context(), "ListItems")
	failAfter := -1
	if _, err := fmt.Sscanf(in.GetPrefix(), "fail-after:%d", &failAfter); err != nil {
		failAfter = -1
	}
	for i := range int(in.GetLimit()) {
		if i == failAfter {
			return status.Error(codes.Unavailable, "stream broke")
		}
		name := fmt.Sprintf("%s-%d", in.GetPrefix(), i)
		if in.GetPrefix() == "big" {
			name = strings.Repeat("x", 1<<20)
		}
		if err := stream.SendMsg(&inv.Item{Id: fmt.Sprint(i), Name: name}); err != nil {
			return err
		}
	}
	return nil
}

func unary[In any, PIn interface {
	*In
	proto.Message
}, Out proto.Message](fn func(context.Context, PIn) (Out, error)) grpc.MethodHandler {
	return func(_ any, ctx context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
		in := PIn(new(In))
		if err := dec(in); err != nil {
			return nil, err
		}
		return fn(ctx, in)
	}
}

func (s *inventoryServer) register(gs *grpc.Server) {
	gs.RegisterService(&grpc.ServiceDesc{
		ServiceName: inv.Inventory2ServiceName,
		HandlerType: (*any)(nil),
		Methods: []grpc.MethodDesc{
			{MethodName: "GetItem", Handler: unary(s.getItem)},
			{MethodName: "DispatchGetItem", Handler: unary(s.getItem)},
			{MethodName: "Legacy", Handler: unary(s.getItem)},
			{MethodName: "PutItem", Handler: unary(s.putItem)},
			{MethodName: "Reset", Handler: unary(s.reset)},
		},
		Streams: []grpc.StreamDesc{{
			StreamName:    "ListItems",
			ServerStreams: true,
			Handler: func(_ any, stream grpc.ServerStream) error {
				in := new(inv.ListItemsRequest)
				if err := stream.RecvMsg(in); err != nil {
					return err
				}
				return s.listItems(in, stream)
			},
		}},
		Metadata: "inventory.proto",
	}, s)
	gs.RegisterService(&grpc.ServiceDesc{
		ServiceName: inv.AuditServiceName,
		HandlerType: (*any)(nil),
		Methods: []grpc.MethodDesc{{MethodName: "Record", Handler: unary(func(ctx context.Context, _ *inv.Ack) (*emptypb.Empty, error) {
			s.record(ctx, "Record")
			return &emptypb.Empty{}, nil
		})}},
		Metadata: "inventory.proto",
	}, s)
}

// startServer serves the test services (and server reflection) on a
// loopback port and returns the server state and a client connection.
func startServer(t *testing.T) (*inventoryServer, *grpc.ClientConn) {
	t.Helper()
	lis := listen(t)
	srv := &inventoryServer{items: map[string]*inv.Item{}}
	gs := grpc.NewServer()
	srv.register(gs)
	reflection.Register(gs)
	go func() { _ = gs.Serve(lis) }()
	t.Cleanup(gs.Stop)
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return srv, conn
}

// listen opens a loopback port.
func listen(t *testing.T) net.Listener {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	return lis
}

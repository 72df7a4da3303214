package grpcapi

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/infgen/infgen/runtime/service"
)

func TestOutgoingContext(t *testing.T) {
	t.Parallel()
	ctx := OutgoingContext(context.Background())
	_, ok := metadata.FromOutgoingContext(ctx)
	require.False(t, ok, "outside a task no metadata is added")

	ctx = OutgoingContext(service.WithTask(context.Background(), service.Task{ID: "task-1"}))
	md, ok := metadata.FromOutgoingContext(ctx)
	require.True(t, ok)
	require.Equal(t, []string{"task-1"}, md.Get("idempotency-key"))
}

func TestClassifyCodes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		code      codes.Code
		retryable bool
	}{
		{codes.Unavailable, true},
		{codes.ResourceExhausted, true},
		{codes.Aborted, true},
		{codes.DeadlineExceeded, true},
		{codes.Internal, true}, // the runtime's default
		{codes.Unknown, true},
		{codes.InvalidArgument, false},
		{codes.NotFound, false},
		{codes.AlreadyExists, false},
		{codes.PermissionDenied, false},
		{codes.FailedPrecondition, false},
		{codes.OutOfRange, false},
		{codes.Unimplemented, false},
	}
	for _, c := range cases {
		err := Classify(status.Error(c.code, "boom"))
		require.Equal(t, c.retryable, service.IsRetryable(err), "code %s", c.code)
		require.Equal(t, c.code, status.Code(err), "the status stays reachable (%s)", c.code)
	}
}

func TestClassifyRetryInfo(t *testing.T) {
	t.Parallel()
	withDelay := func(code codes.Code, d time.Duration) error {
		st, err := status.New(code, "later").WithDetails(&errdetails.RetryInfo{RetryDelay: durationpb.New(d)})
		require.NoError(t, err)
		return st.Err()
	}
	err := Classify(withDelay(codes.Unavailable, 3*time.Second))
	require.True(t, service.IsRetryable(err))
	require.Equal(t, 3*time.Second, service.RetryAfter(err))

	err = Classify(withDelay(codes.Internal, time.Second))
	require.True(t, service.IsRetryable(err))
	require.Equal(t, time.Second, service.RetryAfter(err), "RetryInfo makes a code without a rule retryable after its delay")

	err = Classify(withDelay(codes.NotFound, time.Second))
	require.False(t, service.IsRetryable(err), "RetryInfo does not override a permanent code")

	require.Zero(t, RetryDelay(status.New(codes.Unavailable, "no details")))
}

func TestClassifyKeepsNonStatusErrors(t *testing.T) {
	t.Parallel()
	plain := errors.New("dial failed")
	require.Same(t, plain, Classify(plain))
	require.NoError(t, Classify(nil))
}

// fakeStream is a grpc.ClientStream serving canned messages.
type fakeStream struct {
	sent    []any
	closed  bool
	replies []string
	failAt  int // index of replies at which RecvMsg fails; -1 never
	err     error
}

func (s *fakeStream) Header() (metadata.MD, error) { return nil, nil }
func (s *fakeStream) Trailer() metadata.MD         { return nil }
func (s *fakeStream) Context() context.Context     { return context.Background() }
func (s *fakeStream) CloseSend() error             { s.closed = true; return nil }
func (s *fakeStream) SendMsg(m any) error          { s.sent = append(s.sent, m); return nil }

func (s *fakeStream) RecvMsg(m any) error {
	if s.failAt == 0 {
		return s.err
	}
	s.failAt--
	if len(s.replies) == 0 {
		return io.EOF
	}
	switch m := m.(type) {
	case *wrapperspb.StringValue:
		m.Value = s.replies[0]
	case *legacyString:
		m.Value = s.replies[0]
	}
	s.replies = s.replies[1:]
	return nil
}

func TestCollect(t *testing.T) {
	t.Parallel()
	stream := &fakeStream{replies: []string{"a", "b", "c"}, failAt: -1}
	in := wrapperspb.String("query")
	var got []*wrapperspb.StringValue
	require.NoError(t, Collect(stream, in, &got, 10, 1<<20))
	require.True(t, stream.closed, "the sending side is closed")
	require.Equal(t, []any{in}, stream.sent)
	require.Len(t, got, 3)
	require.Equal(t, "c", got[2].GetValue())
}

func TestCollectBounds(t *testing.T) {
	t.Parallel()
	var got []*wrapperspb.StringValue
	err := Collect(&fakeStream{replies: []string{"a", "b", "c"}, failAt: -1}, wrapperspb.String(""), &got, 2, 1<<20)
	require.ErrorContains(t, err, "exceeds 2 messages")
	require.False(t, service.IsRetryable(err))
	require.Len(t, got, 2)

	got = nil
	err = Collect(&fakeStream{replies: []string{"0123456789", "0123456789"}, failAt: -1}, wrapperspb.String(""), &got, 10, 15)
	require.ErrorContains(t, err, "15 bytes")
	require.Len(t, got, 1)
}

func TestCollectClassifiesStreamErrors(t *testing.T) {
	t.Parallel()
	var got []*wrapperspb.StringValue
	stream := &fakeStream{replies: []string{"a"}, failAt: 1, err: status.Error(codes.Unavailable, "gone")}
	err := Collect(stream, wrapperspb.String(""), &got, 10, 1<<20)
	require.Equal(t, codes.Unavailable, status.Code(err))
	require.True(t, service.IsRetryable(err))
	require.Len(t, got, 1)
}

// legacyString is a message of the legacy protobuf Go API (APIv1, as
// gogo/protobuf generates): no ProtoReflect method.
type legacyString struct {
	Value string `protobuf:"bytes,1,opt,name=value,proto3" json:"value,omitempty"`
}

func (m *legacyString) Reset()         { *m = legacyString{} }
func (m *legacyString) String() string { return m.Value }
func (*legacyString) ProtoMessage()    {}

// TestCollectLegacyMessages checks that messages of the legacy Go API are
// collected and counted against the byte bound too.
func TestCollectLegacyMessages(t *testing.T) {
	t.Parallel()
	var got []*legacyString
	require.NoError(t, Collect(&fakeStream{replies: []string{"a", "b"}, failAt: -1}, &legacyString{Value: "q"}, &got, 10, 1<<20))
	require.Len(t, got, 2)
	require.Equal(t, "b", got[1].Value)

	got = nil
	err := Collect(&fakeStream{replies: []string{"0123456789", "0123456789"}, failAt: -1}, &legacyString{}, &got, 10, 15)
	require.ErrorContains(t, err, "15 bytes")
	require.Len(t, got, 1)
}

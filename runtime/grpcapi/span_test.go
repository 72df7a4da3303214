package grpcapi

import (
	"context"
	"io"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	otelcodes "go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// fakeConn answers every call with err and keeps the metadata it was sent.
type fakeConn struct {
	err error
	md  metadata.MD
}

func (c *fakeConn) Invoke(ctx context.Context, _ string, _, _ any, _ ...grpc.CallOption) error {
	c.md, _ = metadata.FromOutgoingContext(ctx)
	return c.err
}

func (c *fakeConn) NewStream(ctx context.Context, _ *grpc.StreamDesc, _ string, _ ...grpc.CallOption) (grpc.ClientStream, error) {
	c.md, _ = metadata.FromOutgoingContext(ctx)
	return &fakeStream{failAt: -1}, c.err
}

// TestClientSpans: a call inside a recording span (a task attempt's) gets a
// client span as its child, with otelgrpc's attributes and status, and the
// server is sent the client span's trace context; a failed call's span is
// an error with the gRPC code; a stream's span ends with the stream.
// Outside a recording span nothing is recorded.
func TestClientSpans(t *testing.T) {
	t.Parallel()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	ctx, attempt := tp.Tracer("test").Start(context.Background(), "payments.Charge")

	conn := &fakeConn{}
	c := Traced(conn)
	require.NoError(t, c.Invoke(OutgoingContext(ctx), "/billing.v1.Payments/Charge", nil, nil))
	conn.err = status.Error(codes.Unavailable, "try later")
	require.Error(t, c.Invoke(ctx, "/billing.v1.Payments/Charge", nil, nil))
	conn.err = nil
	s, err := c.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true}, "/billing.v1.Payments/List")
	require.NoError(t, err)
	require.ErrorIs(t, s.RecvMsg(new(string)), io.EOF)
	require.NoError(t, c.Invoke(context.Background(), "/billing.v1.Payments/Charge", nil, nil), "no span around: nothing recorded")
	attempt.End()

	spans := rec.Ended()
	require.Len(t, spans, 4)
	ok, failed, stream := spans[0], spans[1], spans[2]
	for _, sp := range []sdktrace.ReadOnlySpan{ok, failed, stream} {
		require.Equal(t, trace.SpanKindClient, sp.SpanKind())
		require.Equal(t, attempt.SpanContext().SpanID(), sp.Parent().SpanID(), "a child of the task attempt's span")
		require.Equal(t, attempt.SpanContext().TraceID(), sp.SpanContext().TraceID())
		require.Contains(t, sp.Attributes(), attribute.String("rpc.system", "grpc"))
		require.Contains(t, sp.Attributes(), attribute.String("rpc.service", "billing.v1.Payments"))
	}
	require.Equal(t, "billing.v1.Payments/Charge", ok.Name())
	require.Contains(t, ok.Attributes(), attribute.String("rpc.method", "Charge"))
	require.Contains(t, ok.Attributes(), attribute.Int("rpc.grpc.status_code", 0))
	require.Equal(t, otelcodes.Unset, ok.Status().Code)
	require.Contains(t, failed.Attributes(), attribute.Int("rpc.grpc.status_code", int(codes.Unavailable)))
	require.Equal(t, otelcodes.Error, failed.Status().Code)
	require.Equal(t, "billing.v1.Payments/List", stream.Name())
	require.Contains(t, stream.Attributes(), attribute.Int("rpc.grpc.status_code", 0))
	require.Equal(t, "payments.Charge", spans[3].Name())
}

// TestClientSpanTraceParent: the server gets the client span's trace
// context, in place of the task attempt's that OutgoingContext put.
func TestClientSpanTraceParent(t *testing.T) {
	t.Parallel()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	ctx, attempt := tp.Tracer("test").Start(context.Background(), "attempt")
	conn := &fakeConn{}
	require.NoError(t, Traced(conn).Invoke(OutgoingContext(ctx), "/a.B/C", nil, nil))
	attempt.End()
	client := rec.Ended()[0]
	sc := client.SpanContext()
	require.Equal(t, []string{"00-" + sc.TraceID().String() + "-" + sc.SpanID().String() + "-01"}, conn.md.Get("traceparent"))
}

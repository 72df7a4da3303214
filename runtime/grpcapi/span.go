package grpcapi

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	otelcodes "go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// ScopeName is the instrumentation scope of the client spans.
const ScopeName = "github.com/infgen/infgen/runtime/grpcapi"

// Traced returns conn recording a client span per call, the way otelgrpc's
// client handler does (name "package.Service/Method", kind client,
// rpc.system "grpc", rpc.service, rpc.method, rpc.grpc.status_code), as a
// child of the span in the call's context: a traced task attempt's. It
// sends the span's trace context as "traceparent". Without a recording span
// in the context it records nothing and costs one look-up. Generated
// clients wrap their connection with it (NewGRPCClient).
func Traced(conn grpc.ClientConnInterface) grpc.ClientConnInterface {
	if t, ok := conn.(*traced); ok {
		return t
	}
	t := &traced{conn: conn}
	if cc, ok := conn.(interface{ Target() string }); ok {
		t.target = cc.Target()
	}
	return t
}

type traced struct {
	conn   grpc.ClientConnInterface
	target string
}

// start begins the call's span, when the context's span records.
func (t *traced) start(ctx context.Context, method string) (context.Context, trace.Span) {
	parent := trace.SpanFromContext(ctx)
	if !parent.IsRecording() {
		return ctx, nil
	}
	name := strings.TrimPrefix(method, "/")
	svc, m, _ := strings.Cut(name, "/")
	attrs := []attribute.KeyValue{attribute.String("rpc.system", "grpc"), attribute.String("rpc.service", svc), attribute.String("rpc.method", m)}
	if t.target != "" {
		attrs = append(attrs, attribute.String("server.address", t.target))
	}
	ctx, span := parent.TracerProvider().Tracer(ScopeName).Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
	sc := span.SpanContext()
	md, _ := metadata.FromOutgoingContext(ctx)
	md = md.Copy()
	md.Set("traceparent", "00-"+sc.TraceID().String()+"-"+sc.SpanID().String()+"-"+sc.TraceFlags().String())
	return metadata.NewOutgoingContext(ctx, md), span
}

// end records the call's status code and ends the span.
func end(span trace.Span, err error) {
	st, _ := status.FromError(err)
	span.SetAttributes(attribute.Int("rpc.grpc.status_code", int(st.Code())))
	if err != nil {
		span.RecordError(err)
		span.SetStatus(otelcodes.Error, st.Message())
	}
	span.End()
}

func (t *traced) Invoke(ctx context.Context, method string, args, reply any, opts ...grpc.CallOption) error {
	ctx, span := t.start(ctx, method)
	err := t.conn.Invoke(ctx, method, args, reply, opts...)
	if span != nil {
		end(span, err)
	}
	return err
}

func (t *traced) NewStream(ctx context.Context, desc *grpc.StreamDesc, method string, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	ctx, span := t.start(ctx, method)
	s, err := t.conn.NewStream(ctx, desc, method, opts...)
	if span == nil {
		return s, err
	}
	if err != nil {
		end(span, err)
		return nil, err
	}
	return &tracedStream{ClientStream: s, span: span}, nil
}

// tracedStream ends its span when the stream does: at its end (io.EOF,
// status OK) or at an error.
type tracedStream struct {
	grpc.ClientStream
	span trace.Span
	once sync.Once
}

func (s *tracedStream) RecvMsg(m any) error {
	err := s.ClientStream.RecvMsg(m)
	if err != nil {
		s.once.Do(func() {
			if errors.Is(err, io.EOF) {
				end(s.span, nil)
				return
			}
			end(s.span, err)
		})
	}
	return err
}

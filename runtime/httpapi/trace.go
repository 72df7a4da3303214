package httpapi

import (
	"context"
	"net/http"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/infgen/infgen/runtime/service"
)

// tracerName names the tracer of the generated HTTP clients' spans.
const tracerName = "github.com/infgen/infgen/runtime/httpapi"

type opKey struct{}

// startSpan starts the client span of req when its context carries a
// recording span (a traced task attempt), with the semantic-convention
// attributes of an HTTP client call and the task's ids, and puts its W3C
// trace context in the request's headers. Otherwise it forwards the task's
// trace context (service.Task.TraceParent), if any, and returns nil: an
// untraced call costs a context lookup.
func startSpan(req *http.Request) trace.Span {
	ctx := req.Context()
	parent := trace.SpanFromContext(ctx)
	if !parent.IsRecording() {
		if t, ok := service.TaskFrom(ctx); ok && t.TraceParent != "" && req.Header.Get("traceparent") == "" {
			req.Header.Set("traceparent", t.TraceParent)
		}
		return nil
	}
	op, _ := ctx.Value(opKey{}).(string)
	name := req.Method
	if op != "" {
		name += " " + op
	}
	attrs := []attribute.KeyValue{
		attribute.String("http.request.method", req.Method),
		attribute.String("url.full", req.URL.Redacted()),
		attribute.String("server.address", req.URL.Hostname()),
	}
	if op != "" {
		attrs = append(attrs, attribute.String("infgen.operation", op))
	}
	if t, ok := service.TaskFrom(ctx); ok {
		attrs = append(attrs, attribute.String("infgen.workflow.id", t.WorkflowID), attribute.String("infgen.task.id", t.ID),
			attribute.Int("infgen.task.attempt", t.Attempt))
	}
	ctx, span := parent.TracerProvider().Tracer(tracerName).Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
	propagation.TraceContext{}.Inject(ctx, propagation.HeaderCarrier(req.Header))
	return span
}

// endSpan records the outcome of the call on span (nil: untraced).
func endSpan(span trace.Span, resp *http.Response, err error) {
	if span == nil {
		return
	}
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	} else {
		span.SetAttributes(attribute.Int("http.response.status_code", resp.StatusCode))
		if resp.StatusCode >= 400 {
			span.SetStatus(codes.Error, resp.Status)
		}
	}
	span.End()
}

// withOperation records the operation's name in ctx for the call's span.
func withOperation(ctx context.Context, op string) context.Context {
	if !trace.SpanFromContext(ctx).IsRecording() {
		return ctx
	}
	return context.WithValue(ctx, opKey{}, op)
}

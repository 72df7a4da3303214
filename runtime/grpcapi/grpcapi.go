package grpcapi

import (
	"context"
	"errors"
	"io"
	"time"

	"go.opentelemetry.io/otel/trace"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/protoadapt"

	"github.com/infgen/infgen/runtime/service"
)

// messageSize is the encoded size of a message of either protobuf Go API,
// or 0 for a value that is no message (gRPC's codec rejects those first).
func messageSize(v any) int {
	switch m := v.(type) {
	case proto.Message:
		return proto.Size(m)
	case protoadapt.MessageV1:
		return proto.Size(protoadapt.MessageV2Of(m))
	}
	return 0
}

// IdempotencyKeyHeader is the metadata key the task's idempotency key
// travels in.
const IdempotencyKeyHeader = "idempotency-key"

// OutgoingContext adds the idempotency key of the task ctx carries
// (service.IdempotencyKey: the task id unless the workflow's call set one) to
// ctx's outgoing metadata as "idempotency-key", so that the server can make
// retried calls take effect once. Outside a task it returns ctx unchanged.
//
// It also adds the task's W3C trace context as "traceparent", so that the
// server's spans join the workflow's trace: the trace context of the span
// in ctx, if one records (a traced task attempt), else the task's
// (service.Task.TraceParent). For a client span of its own per call, give
// the connection go.opentelemetry.io/contrib's otelgrpc stats handler.
func OutgoingContext(ctx context.Context) context.Context {
	if key := service.IdempotencyKey(ctx); key != "" {
		ctx = metadata.AppendToOutgoingContext(ctx, IdempotencyKeyHeader, key)
	}
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() && trace.SpanFromContext(ctx).IsRecording() {
		return metadata.AppendToOutgoingContext(ctx, "traceparent", "00-"+sc.TraceID().String()+"-"+sc.SpanID().String()+"-"+sc.TraceFlags().String())
	}
	if t, ok := service.TaskFrom(ctx); ok && t.TraceParent != "" {
		return metadata.AppendToOutgoingContext(ctx, "traceparent", t.TraceParent)
	}
	return ctx
}

// Classify marks a gRPC call's error for the runtime's retry policy:
// UNAVAILABLE, RESOURCE_EXHAUSTED, ABORTED and DEADLINE_EXCEEDED are
// retryable (after the delay of the status's google.rpc.RetryInfo, if any);
// INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED,
// FAILED_PRECONDITION, OUT_OF_RANGE and UNIMPLEMENTED are permanent; other
// codes are retryable only with a RetryInfo, and otherwise keep the
// runtime's default (retried). Errors that carry no status are returned as
// they are. The status stays reachable with status.FromError.
func Classify(err error) error {
	st, ok := status.FromError(err)
	if !ok {
		return err
	}
	switch st.Code() {
	case codes.Unavailable, codes.ResourceExhausted, codes.Aborted, codes.DeadlineExceeded:
		return service.Retryable(err, RetryDelay(st))
	case codes.InvalidArgument, codes.NotFound, codes.AlreadyExists, codes.PermissionDenied,
		codes.FailedPrecondition, codes.OutOfRange, codes.Unimplemented:
		return service.Permanent(err)
	}
	if d := RetryDelay(st); d > 0 {
		return service.Retryable(err, d)
	}
	return err
}

// RetryDelay returns the delay of st's google.rpc.RetryInfo detail, or 0
// when it has none.
func RetryDelay(st *status.Status) time.Duration {
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.RetryInfo); ok && info.GetRetryDelay() != nil {
			return info.GetRetryDelay().AsDuration()
		}
	}
	return 0
}

// Collect sends in on a server stream, closes the sending side and appends
// every message it receives to *dst until the server ends the stream.
// Receiving more than maxMessages messages, or more than maxBytes bytes of
// encoded messages, fails permanently: the task's result must fit one
// payload. Stream errors are classified like [Classify].
//
// The messages may be of the current protobuf Go API or of the legacy one
// (APIv1, gogo/protobuf): services importing message types from an older
// generated package still compile, as gRPC's codec accepts both.
func Collect[T any, P interface{ *T }](stream grpc.ClientStream, in any, dst *[]P, maxMessages, maxBytes int) error {
	if err := stream.SendMsg(in); err != nil && !errors.Is(err, io.EOF) {
		return Classify(err)
	}
	if err := stream.CloseSend(); err != nil {
		return Classify(err)
	}
	size := 0
	for {
		m := P(new(T))
		err := stream.RecvMsg(m)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return Classify(err)
		}
		size += messageSize(m)
		if len(*dst) >= maxMessages || size > maxBytes {
			return service.Permanentf("server stream exceeds %d messages or %d bytes (MaxStreamMessages, MaxStreamBytes)", maxMessages, maxBytes)
		}
		*dst = append(*dst, m)
	}
}

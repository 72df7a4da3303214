package telemetry

import (
	"context"
	"encoding/hex"

	"go.opentelemetry.io/otel/trace"
)

// SpanContext parses a W3C traceparent into a remote span context.
func SpanContext(tp string) (trace.SpanContext, bool) {
	if len(tp) != 55 || tp[2] != '-' || tp[35] != '-' || tp[52] != '-' {
		return trace.SpanContext{}, false
	}
	var tid trace.TraceID
	var sid trace.SpanID
	var flags [1]byte
	if _, err := hex.Decode(tid[:], []byte(tp[3:35])); err != nil {
		return trace.SpanContext{}, false
	}
	if _, err := hex.Decode(sid[:], []byte(tp[36:52])); err != nil {
		return trace.SpanContext{}, false
	}
	if _, err := hex.Decode(flags[:], []byte(tp[53:55])); err != nil {
		return trace.SpanContext{}, false
	}
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.TraceFlags(flags[0]), Remote: true})
	return sc, sc.IsValid()
}

// TraceParent formats a span context as a W3C traceparent.
func TraceParent(sc trace.SpanContext) string {
	if !sc.IsValid() {
		return ""
	}
	return "00-" + sc.TraceID().String() + "-" + sc.SpanID().String() + "-" + sc.TraceFlags().String()
}

type presetKey struct{}

type preset struct {
	trace trace.TraceID
	span  trace.SpanID
}

// WithSpanID asks IDGenerator for these ids for the next span started with
// the returned context.
func WithSpanID(ctx context.Context, tid trace.TraceID, sid trace.SpanID) context.Context {
	return context.WithValue(ctx, presetKey{}, preset{tid, sid})
}

// PresetIDs returns the ids WithSpanID put in ctx.
func PresetIDs(ctx context.Context) (trace.TraceID, trace.SpanID, bool) {
	p, ok := ctx.Value(presetKey{}).(preset)
	return p.trace, p.span, ok
}

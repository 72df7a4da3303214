package worker_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/httpapi"
	"github.com/infgen/infgen/runtime/retry"
	"github.com/infgen/infgen/runtime/service"
	memstore "github.com/infgen/infgen/runtime/storage/memory"
	"github.com/infgen/infgen/runtime/telemetry"
	"github.com/infgen/infgen/runtime/transport/memory"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// TestOneTracePerWorkflowRun records the spans of a workflow run with the
// SDK's in-memory recorder and checks the tree: the run's span is a child of
// the span that started it (client.Start's context);
// its timer, signal, task attempts (the failed one and its retry) and child
// run are its children; the child's task attempt is the child run's child;
// and the HTTP call a task attempt makes (as a generated client does, through
// httpapi) is that attempt's child, its trace context sent to the server.
func TestOneTracePerWorkflowRun(t *testing.T) {
	t.Parallel()
	rec := tracetest.NewSpanRecorder()
	tp := telemetry.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })

	headers := make(chan string, 8)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		headers <- r.Header.Get("traceparent")
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(api.Close)

	tr, store := memory.New(), memstore.New()
	w, err := worker.New(worker.Options{Transport: tr, Storage: store, Logger: testLogger(), TracerProvider: tp})
	require.NoError(t, err)
	var calls atomic.Int64
	require.NoError(t, w.RegisterService(worker.Service{Name: "pay", Methods: []worker.Method{{
		Name: "Charge",
		Handler: worker.Handle(codec.JSON{}, func(ctx context.Context, _ *AddInput) (*AddOutput, error) {
			req, err := httpapi.NewRequest(ctx, "Charge", http.MethodPost, api.URL+"/charges", nil, "", "")
			if err != nil {
				return nil, err
			}
			if _, _, err := httpapi.Do(api.Client(), req, nil); err != nil {
				return nil, err
			}
			if calls.Add(1) == 1 {
				return nil, service.Retryable(errors.New("gateway busy"), 0)
			}
			return &AddOutput{}, nil
		}),
	}}}))
	fast := retry.Policy{MaxAttempts: 3, Initial: time.Millisecond, Max: time.Millisecond, Multiplier: 1}
	require.NoError(t, worker.RegisterWorkflow(w, "child", func(ctx workflow.Context, _ int) (int, error) {
		_, err := workflow.Dispatch[*AddOutput](ctx, workflow.Call{Service: "pay", Method: "Charge", Input: &AddInput{}}, workflow.WithRetry(fast)).Await(ctx)
		return 1, err
	}))
	require.NoError(t, worker.RegisterWorkflow(w, "parent", func(ctx workflow.Context, _ int) (int, error) {
		if err := workflow.Sleep(ctx, time.Millisecond); err != nil {
			return 0, err
		}
		if _, err := workflow.SignalChannel[string]("go").Receive(ctx); err != nil {
			return 0, err
		}
		if _, err := workflow.Dispatch[*AddOutput](ctx, workflow.Call{Service: "pay", Method: "Charge", Input: &AddInput{}}, workflow.WithRetry(fast)).Await(ctx); err != nil {
			return 0, err
		}
		return workflow.ExecuteChild[int](ctx, workflow.ChildCall{Workflow: "child", ID: "trace-child"}).Await(ctx)
	}))
	require.NoError(t, w.Start(context.Background()))
	c, err := client.New(context.Background(), client.Options{Transport: tr, Storage: store, PollInterval: 50 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = c.Close()
		_ = w.Stop()
		_ = tr.Close()
	})
	ctx := ctxT(t)
	cctx, caller := tp.Tracer("test").Start(ctx, "caller")
	_, err = c.Start(cctx, client.StartParams{Workflow: "parent", ID: "trace-parent"})
	require.NoError(t, err)
	caller.End()
	_, err = c.Signal(ctx, client.Target{ID: "trace-parent"}, "go", "now")
	require.NoError(t, err)
	out, err := c.Await(ctx, "trace-parent")
	require.NoError(t, err)
	require.NoError(t, out.Err)

	spans := rec.Ended()
	byName := map[string][]sdktrace.ReadOnlySpan{}
	for _, s := range spans {
		byName[s.Name()] = append(byName[s.Name()], s)
	}
	names := make([]string, 0, len(spans))
	for _, s := range spans {
		names = append(names, s.Name())
	}
	t.Logf("spans: %q", names)
	one := func(name string) sdktrace.ReadOnlySpan {
		t.Helper()
		require.Len(t, byName[name], 1, "one span %q in %q", name, names)
		return byName[name][0]
	}
	root := one("workflow parent")
	require.Equal(t, caller.SpanContext().SpanID(), root.Parent().SpanID(), "the caller of Start is the parent of the run's span")
	traceID := caller.SpanContext().TraceID()
	for _, s := range spans {
		require.Equal(t, traceID, s.SpanContext().TraceID(), "span %q in the run's trace", s.Name())
	}
	childOf := func(s sdktrace.ReadOnlySpan, parent sdktrace.ReadOnlySpan) {
		t.Helper()
		require.Equal(t, parent.SpanContext().SpanID(), s.Parent().SpanID(), "%q is a child of %q", s.Name(), parent.Name())
	}
	childOf(one("timer"), root)
	childOf(one("signal go"), root)
	childOf(one("child child"), root)
	childRun := one("workflow child")
	childOf(childRun, root)

	attempts := byName["pay.Charge"]
	require.Len(t, attempts, 3, "two attempts in the parent (one retried), one in the child")
	httpCalls := byName["POST Charge"]
	require.Len(t, httpCalls, 3, "one HTTP call per attempt")
	var underRoot, underChild int
	for _, a := range attempts {
		switch a.Parent().SpanID() {
		case root.SpanContext().SpanID():
			underRoot++
		case childRun.SpanContext().SpanID():
			underChild++
		}
	}
	require.Equal(t, 2, underRoot)
	require.Equal(t, 1, underChild)
	attemptIDs := map[trace.SpanID]bool{}
	for _, a := range attempts {
		attemptIDs[a.SpanContext().SpanID()] = true
	}
	sent := map[string]bool{}
	for range 3 {
		sent[<-headers] = true
	}
	for _, h := range httpCalls {
		require.True(t, attemptIDs[h.Parent().SpanID()], "the HTTP call is a child of a task attempt")
		require.Equal(t, trace.SpanKindClient, h.SpanKind())
		require.True(t, sent["00-"+traceID.String()+"-"+h.SpanContext().SpanID().String()+"-01"], "the server got the call's trace context")
		var status int64
		for _, kv := range h.Attributes() {
			if kv.Key == "http.response.status_code" {
				status = kv.Value.AsInt64()
			}
		}
		require.EqualValues(t, http.StatusNoContent, status)
	}
}

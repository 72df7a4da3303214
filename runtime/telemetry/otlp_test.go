package telemetry_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/telemetry"
	"github.com/infgen/infgen/runtime/worker"
)

// TestOTLPFromTheEnvironment runs a workflow on the embedded default with
// OTEL_TRACES_EXPORTER=otlp and OTEL_EXPORTER_OTLP_ENDPOINT pointing at an
// OTLP/HTTP receiver, and decodes what the receiver got: the run's spans,
// with the service name of OTEL_SERVICE_NAME, in one trace.
func TestOTLPFromTheEnvironment(t *testing.T) {
	var mu sync.Mutex
	var got []*coltracepb.ExportTraceServiceRequest
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil || r.URL.Path != "/v1/traces" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		req := &coltracepb.ExportTraceServiceRequest{}
		if err := proto.Unmarshal(body, req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		got = append(got, req)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-protobuf")
		_, _ = w.Write(nil)
	}))
	defer srv.Close()
	t.Setenv(telemetry.EnvTracesExporter, "otlp")
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", srv.URL)
	t.Setenv(telemetry.EnvServiceName, "billing")

	ctx := context.Background()
	rt, err := local.Open("")
	require.NoError(t, err)
	w, err := rt.NewWorker(worker.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	require.NoError(t, worker.RegisterWorkflow(w, "hello", hello))
	require.NoError(t, w.Start(ctx))
	c, err := rt.NewClient(ctx)
	require.NoError(t, err)
	out, err := client.Execute[string](ctx, c, client.StartParams{Workflow: "hello", ID: "h1", Input: "you"})
	require.NoError(t, err)
	require.Equal(t, "hello you", out)
	require.NoError(t, c.Close())
	require.NoError(t, w.Stop())
	require.NoError(t, rt.Close(), "closing the runtime flushes the spans")

	mu.Lock()
	defer mu.Unlock()
	var names []string
	traces := map[string]bool{}
	for _, req := range got {
		for _, rs := range req.GetResourceSpans() {
			var service string
			for _, kv := range rs.GetResource().GetAttributes() {
				if kv.GetKey() == "service.name" {
					service = kv.GetValue().GetStringValue()
				}
			}
			require.Equal(t, "billing", service)
			for _, ss := range rs.GetScopeSpans() {
				for _, s := range ss.GetSpans() {
					names = append(names, s.GetName())
					traces[string(s.GetTraceId())] = true
				}
			}
		}
	}
	slices.Sort(names)
	require.Equal(t, []string{"timer", "workflow hello"}, names)
	require.Len(t, traces, 1, "one trace")
}

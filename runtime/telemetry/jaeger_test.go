package telemetry_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/telemetry"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// jaegerTrace is a trace as Jaeger's query API returns it.
type jaegerTrace struct {
	TraceID string `json:"traceID"`
	Spans   []struct {
		SpanID        string `json:"spanID"`
		OperationName string `json:"operationName"`
		References    []struct {
			RefType string `json:"refType"`
			SpanID  string `json:"spanID"`
		} `json:"references"`
	} `json:"spans"`
}

// TestTracesInJaeger sends a workflow run's trace over OTLP to a real Jaeger
// (started by scripts/jaeger.sh, which sets INFGEN_JAEGER_OTLP_ENDPOINT and
// INFGEN_JAEGER_QUERY_URL) and reads it back through Jaeger's query API: one
// trace, the run's span its root, the timer and the task attempt its
// children.
func TestTracesInJaeger(t *testing.T) {
	endpoint, query := os.Getenv("INFGEN_JAEGER_OTLP_ENDPOINT"), os.Getenv("INFGEN_JAEGER_QUERY_URL")
	if endpoint == "" || query == "" {
		t.Skip("INFGEN_JAEGER_OTLP_ENDPOINT and INFGEN_JAEGER_QUERY_URL are not set: start Jaeger with scripts/jaeger.sh start")
	}
	service := fmt.Sprintf("infgen-test-%d", time.Now().UnixNano())
	t.Setenv(telemetry.EnvTracesExporter, "otlp")
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)
	t.Setenv(telemetry.EnvServiceName, service)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rt, err := local.Open("")
	require.NoError(t, err)
	w, err := rt.NewWorker(worker.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	require.NoError(t, w.RegisterService(worker.Service{Name: "greeter", Methods: []worker.Method{{
		Name: "Greet",
		Handler: worker.Handle(codec.JSON{}, func(_ context.Context, name *string) (*string, error) {
			s := "hello " + *name
			return &s, nil
		}),
	}}}))
	require.NoError(t, worker.RegisterWorkflow(w, "greet", func(ctx workflow.Context, name string) (string, error) {
		if err := workflow.Sleep(ctx, time.Millisecond); err != nil {
			return "", err
		}
		out, err := workflow.Dispatch[*string](ctx, workflow.Call{Service: "greeter", Method: "Greet", Input: &name}).Await(ctx)
		if err != nil {
			return "", err
		}
		return *out, nil
	}))
	require.NoError(t, w.Start(ctx))
	c, err := rt.NewClient(ctx)
	require.NoError(t, err)
	out, err := client.Execute[string](ctx, c, client.StartParams{Workflow: "greet", ID: "jaeger-1", Input: "you"})
	require.NoError(t, err)
	require.Equal(t, "hello you", out)
	require.NoError(t, c.Close())
	require.NoError(t, w.Stop())
	require.NoError(t, rt.Close(), "closing the runtime flushes the spans")

	// Jaeger stores what it received asynchronously: ask until the trace
	// holds the run's three spans.
	var traces []jaegerTrace
	require.Eventually(t, func() bool {
		traces = nil
		resp, err := http.Get(query + "/api/traces?service=" + url.QueryEscape(service))
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var body struct{ Data []jaegerTrace }
		if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&body) != nil {
			return false
		}
		traces = body.Data
		return len(traces) == 1 && len(traces[0].Spans) >= 3
	}, 30*time.Second, 200*time.Millisecond, "Jaeger has the run's trace")
	tr := traces[0]
	byName := map[string]string{}
	parent := map[string]string{}
	var names []string
	for _, s := range tr.Spans {
		names = append(names, s.OperationName)
		byName[s.OperationName] = s.SpanID
		for _, r := range s.References {
			if r.RefType == "CHILD_OF" {
				parent[s.OperationName] = r.SpanID
			}
		}
	}
	slices.Sort(names)
	require.Equal(t, []string{"greeter.Greet", "timer", "workflow greet"}, names)
	root := byName["workflow greet"]
	require.Empty(t, parent["workflow greet"], "the run's span is the root")
	require.Equal(t, root, parent["timer"])
	require.Equal(t, root, parent["greeter.Greet"])
	if *screenshot != "" {
		screenshotTrace(t, query+"/trace/"+tr.TraceID, "greeter.Greet", *screenshot)
	}
}

// screenshot, when set, is a file TestTracesInJaeger saves a screenshot of
// the trace in Jaeger's UI in (headless Chromium):
// go test ./runtime/telemetry -run Jaeger -screenshot ../../docs/img/jaeger-trace.png
var screenshot = flag.String("screenshot", "", "save a screenshot of the trace in Jaeger's UI in this PNG file")

// screenshotTrace opens the trace page in headless Chromium, waits until it
// shows want, and saves a screenshot in file.
func screenshotTrace(t *testing.T, page, want, file string) {
	t.Helper()
	exe, err := exec.LookPath("chromium")
	require.NoError(t, err, "-screenshot needs Chromium (apt-get install -y chromium)")
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(t.Context(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.WindowSize(1280, 720))...)
	defer cancelAlloc()
	bctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	bctx, cancelTimeout := context.WithTimeout(bctx, 2*time.Minute)
	defer cancelTimeout()
	_, err = chromedp.Run(bctx, chromedp.Navigate(page))
	require.NoError(t, err)
	for { // the UI renders the trace from its API after loading
		text, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.body.innerText`))
		require.NoError(t, err)
		if strings.Contains(text, "not the Jaeger UI") {
			t.Fatalf("-screenshot: this Jaeger was built without its UI (scripts/jaeger.sh builds it from the Go module proxy, which has no UI assets): run one with its UI (a jaeger-ui build given as jaeger_query.ui.assets_path, see docs/observability.md, or the jaegertracing/jaeger image) and point INFGEN_JAEGER_QUERY_URL at it")
		}
		if strings.Contains(text, want) {
			break
		}
		select {
		case <-bctx.Done():
			t.Fatalf("Jaeger's page %s never showed %s", page, want)
		case <-time.After(100 * time.Millisecond):
		}
	}
	png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(file, png, 0o644))
}

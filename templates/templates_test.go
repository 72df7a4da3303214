package templates

import (
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/config"
)

func render(t *testing.T, w Worker) map[string]string {
	t.Helper()
	files, err := RenderWorker(w)
	require.NoError(t, err)
	out := map[string]string{}
	for _, f := range files {
		out[f.Name] = string(f.Content)
	}
	require.Len(t, out, 3)
	return out
}

func TestWorkerConfigIsValidYAML(t *testing.T) {
	t.Parallel()
	files := render(t, Worker{
		Name: "billing-worker", Dir: "cmd/billing-worker", GoVersion: "1.26", Command: "infgen init worker …",
		Services: []Service{
			{Key: "payment", Name: "PaymentService", ImportPath: "example.com/gen/payment", EnvURL: "INFGEN_PAYMENT_URL"},
			{Key: "subscription", Name: "pkg.SubscriptionService", ImportPath: "example.com/gen/subscription", GRPC: true, EnvURL: "INFGEN_SUBSCRIPTION_URL"},
		},
		Workflows: []string{"example.com/monthly.Definition()"},
	})
	// The file parses with the scaffold's schema (unknown keys are errors).
	cfg, err := config.Parse("worker.yaml", []byte(files["worker.yaml"]))
	require.NoError(t, err)
	require.Equal(t, "info", cfg.LogLevel)
	require.Equal(t, 64, cfg.WorkflowConcurrency)
	require.Len(t, cfg.Services, 2)
	for key, s := range cfg.Services {
		// The scaffold sets nothing the user did not: the spec's defaults
		// (per-method retry and timeout) must not be overridden by a
		// retry: block nobody asked for.
		require.Zero(t, s.Retry, "services.%s.retry", key)
		require.Zero(t, s.Timeout, "services.%s.timeout", key)
		require.Empty(t, s.Methods, "services.%s.methods", key)
		require.Empty(t, s.Options(), "services.%s gives worker options", key)
	}
	require.Contains(t, files["worker.yaml"], "host:port of the gRPC server (env INFGEN_SUBSCRIPTION_URL)")
	require.Contains(t, files["Dockerfile"], "RUN CGO_ENABLED=0 go build -trimpath -o /out/worker ./cmd/billing-worker\n")
	require.Contains(t, files["Dockerfile"], "FROM golang:1.26 AS build\n")
	require.Contains(t, files["README.md"], "- the workflow `example.com/monthly.Definition()`.")

	// The commented options are valid configuration once uncommented.
	uncommented := regexp.MustCompile(`(?m)^    # (concurrency|timeout|retry|  max_attempts|  initial|  max|methods|  MethodName|    timeout|    retry)\b`).
		ReplaceAllString(files["worker.yaml"], "    $1")
	uncommented = regexp.MustCompile(`(?m)\s+# [^\n]*$`).ReplaceAllString(uncommented, "")
	cfg, err = config.Parse("worker.yaml", []byte(uncommented))
	require.NoError(t, err, uncommented)
	p := cfg.Services["payment"]
	require.Equal(t, 30*time.Second, p.Timeout)
	require.Equal(t, 5, p.Retry.MaxAttempts)
	require.Equal(t, 3, p.Methods["MethodName"].Retry.MaxAttempts)
	require.Equal(t, 10*time.Second, p.Methods["MethodName"].Timeout)
}

func TestWorkflowOnlyWorkerHasEmptyServices(t *testing.T) {
	t.Parallel()
	files := render(t, Worker{Name: "wf", Dir: "wf", GoVersion: "1.26", Workflows: []string{"example.com/m.Definition"}})
	cfg, err := config.Parse("worker.yaml", []byte(files["worker.yaml"]))
	require.NoError(t, err)
	require.Empty(t, cfg.Services)
}

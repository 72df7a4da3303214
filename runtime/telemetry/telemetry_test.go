package telemetry_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/telemetry"
)

func TestNewDefaults(t *testing.T) {
	tel, err := telemetry.New(telemetry.Options{})
	require.NoError(t, err)
	require.NotNil(t, tel.MeterProvider, "metrics are on by default")
	require.NotNil(t, tel.Metrics)
	require.Nil(t, tel.TracerProvider, "traces are off by default")
	rec := httptest.NewRecorder()
	tel.Metrics.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	require.Equal(t, 200, rec.Code)
	require.NoError(t, tel.Shutdown(context.Background()))

	tel, err = telemetry.New(telemetry.Options{Metrics: "none"})
	require.NoError(t, err)
	require.Nil(t, tel.MeterProvider)
	require.Nil(t, tel.Metrics)
}

func TestConsoleTraces(t *testing.T) {
	var buf bytes.Buffer
	tel, err := telemetry.New(telemetry.Options{Traces: "console", ServiceName: "billing", Console: &buf})
	require.NoError(t, err)
	_, span := tel.TracerProvider.Tracer("test").Start(context.Background(), "hello")
	span.End()
	require.NoError(t, tel.Shutdown(context.Background()))
	var rec struct {
		Name     string
		Resource []struct {
			Key   string
			Value struct{ Value any }
		}
	}
	require.NoError(t, json.NewDecoder(&buf).Decode(&rec), "console prints JSON: %s", buf.String())
	require.Equal(t, "hello", rec.Name)
	require.Contains(t, rec.Resource, struct {
		Key   string
		Value struct{ Value any }
	}{Key: "service.name", Value: struct{ Value any }{Value: "billing"}})
}

func TestFromEnvAndErrors(t *testing.T) {
	t.Setenv(telemetry.EnvTracesExporter, "console")
	t.Setenv(telemetry.EnvMetricsExporter, "none")
	t.Setenv(telemetry.EnvServiceName, "svc")
	o := telemetry.FromEnv(telemetry.Options{Traces: "none", Metrics: "prometheus", ServiceName: "x"})
	require.Equal(t, telemetry.Options{Traces: "console", Metrics: "none", ServiceName: "svc"}, o)

	_, err := telemetry.New(telemetry.Options{Traces: "zipkin"})
	require.ErrorContains(t, err, `traces exporter "zipkin": want otlp, console or none (OTEL_TRACES_EXPORTER)`)
	_, err = telemetry.New(telemetry.Options{Metrics: "statsd"})
	require.ErrorContains(t, err, `metrics exporter "statsd": want prometheus or none (OTEL_METRICS_EXPORTER)`)
}

// Package telemetry chooses where a worker's metrics and traces go: a
// Prometheus registry served at /metrics of the admin API (the default),
// spans sent over OTLP/HTTP, printed as JSON (console) or none, from the worker's configuration
// and the standard OTEL_* environment variables. It builds the OpenTelemetry
// providers that worker.Options take (MeterProvider, TracerProvider) and the
// /metrics handler that admin.Options take.
//
// What the runtime measures and how a workflow run becomes a trace lives in
// runtime/internal/telemetry. This package must not import package worker,
// client, admin or the engine; config and local import it.
package telemetry

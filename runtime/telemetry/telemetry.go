package telemetry

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	itel "github.com/infgen/infgen/runtime/internal/telemetry"
)

// Environment variables read by FromEnv: the standard OpenTelemetry names.
const (
	EnvTracesExporter  = "OTEL_TRACES_EXPORTER"
	EnvMetricsExporter = "OTEL_METRICS_EXPORTER"
	EnvServiceName     = "OTEL_SERVICE_NAME"
)

// Options choose the exporters.
type Options struct {
	// Metrics is "prometheus" (the default: served by Telemetry.Metrics, at
	// /metrics of the admin API) or "none".
	Metrics string `yaml:"metrics"`
	// Traces is "none" (the default); "otlp": OTLP over HTTP (protobuf) to
	// $OTEL_EXPORTER_OTLP_ENDPOINT or $OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
	// (default https://localhost:4318; an http:// endpoint is sent in clear),
	// which Jaeger and every OpenTelemetry collector receive; or "console":
	// each span as JSON on Console (default os.Stdout). For anything else,
	// build your own provider with NewTracerProvider and pass it to
	// worker.Options.TracerProvider.
	Traces string `yaml:"traces"`
	// ServiceName is the service.name of the spans (default "infgen").
	ServiceName string `yaml:"service_name"`
	// Console receives the console exporter's spans (default os.Stdout).
	Console io.Writer `yaml:"-"`
}

// FromEnv returns o with OTEL_METRICS_EXPORTER, OTEL_TRACES_EXPORTER and
// OTEL_SERVICE_NAME, when set, in place of its fields.
func FromEnv(o Options) Options {
	if v := os.Getenv(EnvMetricsExporter); v != "" {
		o.Metrics = v
	}
	if v := os.Getenv(EnvTracesExporter); v != "" {
		o.Traces = v
	}
	if v := os.Getenv(EnvServiceName); v != "" {
		o.ServiceName = v
	}
	return o
}

// Telemetry holds the providers a worker reports to.
type Telemetry struct {
	// MeterProvider is for worker.Options.MeterProvider (nil when metrics
	// are off).
	MeterProvider metric.MeterProvider
	// TracerProvider is for worker.Options.TracerProvider (nil when traces
	// are off).
	TracerProvider trace.TracerProvider
	// Metrics serves the metrics in the Prometheus text format: for
	// admin.Options.Metrics (nil when metrics are off).
	Metrics http.Handler

	shutdown []func(context.Context) error
}

// New builds the providers o asks for.
func New(o Options) (*Telemetry, error) {
	t := &Telemetry{}
	switch strings.ToLower(o.Metrics) {
	case "", "prometheus":
		mp, h, err := Prometheus()
		if err != nil {
			return nil, err
		}
		t.MeterProvider, t.Metrics = mp, h
		t.shutdown = append(t.shutdown, mp.Shutdown)
	case "none":
	default:
		return nil, fmt.Errorf("metrics exporter %q: want prometheus or none (%s)", o.Metrics, EnvMetricsExporter)
	}
	name := o.ServiceName
	if name == "" {
		name = "infgen"
	}
	res := sdktrace.WithResource(resource.NewSchemaless(attribute.String("service.name", name)))
	switch strings.ToLower(o.Traces) {
	case "", "none":
	case "console":
		w := o.Console
		if w == nil {
			w = os.Stdout
		}
		exp, err := stdouttrace.New(stdouttrace.WithWriter(w))
		if err != nil {
			return nil, fmt.Errorf("console trace exporter: %w", err)
		}
		tp := NewTracerProvider(sdktrace.WithSyncer(exp), res)
		t.TracerProvider = tp
		t.shutdown = append(t.shutdown, tp.Shutdown)
	case "otlp":
		exp, err := otlptracehttp.New(context.Background())
		if err != nil {
			return nil, fmt.Errorf("OTLP trace exporter (OTEL_EXPORTER_OTLP_ENDPOINT): %w", err)
		}
		tp := NewTracerProvider(sdktrace.WithBatcher(exp), res)
		t.TracerProvider = tp
		t.shutdown = append(t.shutdown, tp.Shutdown)
	default:
		return nil, fmt.Errorf("traces exporter %q: want otlp, console or none (%s)", o.Traces, EnvTracesExporter)
	}
	return t, nil
}

// Shutdown flushes and stops the providers New built.
func (t *Telemetry) Shutdown(ctx context.Context) error {
	var errs []error
	for _, f := range t.shutdown {
		errs = append(errs, f(ctx))
	}
	return errors.Join(errs...)
}

// Prometheus returns a meter provider whose metrics the handler serves in
// the Prometheus text format, from a registry of its own.
func Prometheus() (*sdkmetric.MeterProvider, http.Handler, error) {
	reg := prometheus.NewRegistry()
	exp, err := otelprom.New(otelprom.WithRegisterer(reg), otelprom.WithoutScopeInfo(), otelprom.WithoutTargetInfo())
	if err != nil {
		return nil, nil, fmt.Errorf("prometheus exporter: %w", err)
	}
	return sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp)), promhttp.HandlerFor(reg, promhttp.HandlerOpts{}), nil
}

// NewTracerProvider returns an SDK tracer provider that records the
// runtime's spans in one trace per workflow run: it takes span ids from
// IDGenerator. Pass your exporter as an option (sdktrace.WithBatcher).
func NewTracerProvider(opts ...sdktrace.TracerProviderOption) *sdktrace.TracerProvider {
	return sdktrace.NewTracerProvider(append([]sdktrace.TracerProviderOption{sdktrace.WithIDGenerator(IDGenerator())}, opts...)...)
}

// IDGenerator returns the span id generator a tracer provider needs for the
// runtime's traces: a workflow run's span is recorded when the run ends,
// possibly in another process than the one that started it, with the span
// id its children already name as their parent. Other spans get random ids.
func IDGenerator() sdktrace.IDGenerator { return &idGenerator{} }

type idGenerator struct {
	mu  sync.Mutex
	rnd *rand.Rand
}

func (g *idGenerator) random() (trace.TraceID, trace.SpanID) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.rnd == nil {
		var seed [32]byte
		_, _ = crand.Read(seed[:])
		g.rnd = rand.New(rand.NewChaCha8(seed))
	}
	var tid trace.TraceID
	var sid trace.SpanID
	for !tid.IsValid() {
		binary.BigEndian.PutUint64(tid[:8], g.rnd.Uint64())
		binary.BigEndian.PutUint64(tid[8:], g.rnd.Uint64())
	}
	for !sid.IsValid() {
		binary.BigEndian.PutUint64(sid[:], g.rnd.Uint64())
	}
	return tid, sid
}

func (g *idGenerator) NewIDs(ctx context.Context) (trace.TraceID, trace.SpanID) {
	if tid, sid, ok := itel.PresetIDs(ctx); ok {
		return tid, sid
	}
	return g.random()
}

func (g *idGenerator) NewSpanID(ctx context.Context, traceID trace.TraceID) trace.SpanID {
	if tid, sid, ok := itel.PresetIDs(ctx); ok && tid == traceID {
		return sid
	}
	_, sid := g.random()
	return sid
}

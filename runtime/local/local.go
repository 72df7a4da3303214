package local

import (
	"context"
	"errors"
	"fmt"

	"github.com/infgen/infgen/runtime/admin"
	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/storage/embedded"
	memstore "github.com/infgen/infgen/runtime/storage/memory"
	"github.com/infgen/infgen/runtime/telemetry"
	"github.com/infgen/infgen/runtime/transport/memory"
	"github.com/infgen/infgen/runtime/worker"
)

// Runtime is a transport and a storage for one process.
type Runtime struct {
	Transport *memory.Transport
	Storage   storage.Storage
	// Telemetry is where the workers of this runtime report: metrics on a
	// Prometheus registry served at /metrics of ServeAdmin's API, traces off,
	// unless OTEL_METRICS_EXPORTER or OTEL_TRACES_EXPORTER say otherwise
	// (see telemetry.FromEnv).
	Telemetry *telemetry.Telemetry

	path        string
	admin       *admin.Server
	adminClient *client.Client
}

// Open opens (or creates) the state file at path. An empty path keeps state
// in memory only.
func Open(path string) (*Runtime, error) {
	tel, err := telemetry.New(telemetry.FromEnv(telemetry.Options{}))
	if err != nil {
		return nil, fmt.Errorf("local: %w", err)
	}
	var st storage.Storage
	if path == "" {
		st = memstore.New()
	} else {
		s, err := embedded.Open(path)
		if err != nil {
			return nil, fmt.Errorf("local: open state file: %w", err)
		}
		st = s
	}
	return &Runtime{Transport: memory.New(), Storage: st, Telemetry: tel, path: path}, nil
}

// ServeAdmin serves the admin API on this runtime (o.Addr, default a free
// port on 127.0.0.1) until Close, and records its address beside the state
// file, where the ops CLI finds it: with a worker holding the file, infgen
// workflow … and infgen dead-letters … go through it. Pass the returned
// address as worker.Options.Admin so that the registry shows it too.
func (r *Runtime) ServeAdmin(ctx context.Context, o admin.Options) (string, error) {
	if r.admin != nil {
		return r.admin.Addr(), nil
	}
	c, err := r.NewClient(ctx, func(co *client.Options) { co.Logger = o.Logger })
	if err != nil {
		return "", err
	}
	o.StatePath = r.path
	if o.Metrics == nil {
		o.Metrics = r.Telemetry.Metrics
	}
	srv, err := admin.Serve(c, o)
	if err != nil {
		_ = c.Close()
		return "", err
	}
	r.admin, r.adminClient = srv, c
	return srv.Addr(), nil
}

// NewWorker returns a worker on this runtime; Transport and Storage of o are
// filled in.
func (r *Runtime) NewWorker(o worker.Options) (*worker.Worker, error) {
	o.Transport, o.Storage = r.Transport, r.Storage
	if o.MeterProvider == nil {
		o.MeterProvider = r.Telemetry.MeterProvider
	}
	if o.TracerProvider == nil {
		o.TracerProvider = r.Telemetry.TracerProvider
	}
	return worker.New(o)
}

// NewClient returns a client on this runtime.
func (r *Runtime) NewClient(ctx context.Context, opts ...func(*client.Options)) (*client.Client, error) {
	o := client.Options{Transport: r.Transport, Storage: r.Storage}
	for _, f := range opts {
		f(&o)
	}
	return client.New(ctx, o)
}

// Close closes the transport, then the storage. Stop workers first.
func (r *Runtime) Close() error {
	var errs []error
	if r.admin != nil {
		errs = append(errs, r.admin.Close(), r.adminClient.Close())
	}
	return errors.Join(append(errs, r.Transport.Close(), r.Storage.Close(), r.Telemetry.Shutdown(context.Background()))...)
}

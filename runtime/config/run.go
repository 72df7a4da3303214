package config

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/infgen/infgen/runtime/admin"
	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/telemetry"
	"github.com/infgen/infgen/runtime/worker"
)

// RegisterFunc hosts services and workflows in a worker and returns what to
// close when the worker stops (gRPC connections, …), even on error.
type RegisterFunc func(w *worker.Worker, cfg *Config) ([]io.Closer, error)

// Run is the life cycle of a worker binary: it loads the configuration file,
// opens the backends the environment selects, registers through register,
// starts the worker and blocks until SIGINT or SIGTERM, then stops it and
// closes everything. name labels the logs.
func Run(name, configPath string, register RegisterFunc) (err error) {
	cfg, err := Load(configPath)
	if err != nil {
		return err
	}
	logger := cfg.Logger().With("worker", name)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	backends, err := OpenBackends(ctx, logger)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, backends.Close()) }()
	tel, err := telemetry.New(telemetry.FromEnv(cfg.Telemetry))
	if err != nil {
		return fmt.Errorf("configuration %s: telemetry: %w", configPath, err)
	}
	defer func() { err = errors.Join(err, tel.Shutdown(context.Background())) }()
	adminAddr, closeAdmin, err := serveAdmin(ctx, backends, cfg, tel, logger)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, closeAdmin()) }()
	closeHooks, err := serveWebhooks(ctx, backends, cfg, logger)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, closeHooks()) }()
	w, err := worker.New(worker.Options{
		Transport: backends.Transport, Storage: backends.Storage,
		Logger: logger, WorkflowConcurrency: cfg.WorkflowConcurrency, Admin: adminAddr,
		CacheSize: cfg.CacheSize, HistorySegment: cfg.HistorySegment, SchedulePoll: cfg.SchedulePoll, DisableLocalTasks: cfg.LocalTasks != nil && !*cfg.LocalTasks, OutcomeEvents: cfg.OutcomeEvents,
		EventRetention: cfg.EventRetention,
		MeterProvider:  tel.MeterProvider, TracerProvider: tel.TracerProvider,
	})
	if err != nil {
		return err
	}
	closers, err := register(w, cfg)
	defer func() {
		for _, c := range closers {
			_ = c.Close()
		}
	}()
	if err != nil {
		return err
	}
	if err := w.Start(ctx); err != nil {
		return err
	}
	logger.Info("worker started", "backends", backends.Description, "admin", adminAddr, "dashboard", admin.DashboardURL(adminAddr))
	<-ctx.Done()
	logger.Info("worker stopping")
	return w.Stop()
}

// serveAdmin starts the worker's admin API: on cfg.AdminAddr or
// $INFGEN_ADMIN_ADDR (default a free port on 127.0.0.1; "off" disables it),
// with the bearer token $INFGEN_ADMIN_TOKEN. It returns the address ("" when
// off) and what stops it.
func serveAdmin(ctx context.Context, b *Backends, cfg *Config, tel *telemetry.Telemetry, logger *slog.Logger) (string, func() error, error) {
	addr := cmp.Or(os.Getenv(admin.EnvAddr), cfg.AdminAddr)
	if addr == "off" {
		return "", func() error { return nil }, nil
	}
	c, err := client.New(ctx, client.Options{Transport: b.Transport, Storage: b.Storage, Logger: logger})
	if err != nil {
		return "", nil, err
	}
	srv, err := admin.Serve(c, admin.Options{Addr: addr, Token: os.Getenv(admin.EnvToken), Logger: logger, StatePath: b.StatePath,
		ReadOnly: cfg.AdminReadOnly || os.Getenv(admin.EnvReadOnly) == "1", Metrics: tel.Metrics})
	if err != nil {
		_ = c.Close()
		return "", nil, err
	}
	return srv.Addr(), func() error { return errors.Join(srv.Close(), c.Close()) }, nil
}

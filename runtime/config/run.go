package config

import (
	"context"
	"errors"
	"io"
	"os"
	"os/signal"
	"syscall"

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
	w, err := worker.New(worker.Options{
		Transport: backends.Transport, Storage: backends.Storage,
		Logger: logger, WorkflowConcurrency: cfg.WorkflowConcurrency,
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
	logger.Info("worker started", "backends", backends.Description)
	<-ctx.Done()
	logger.Info("worker stopping")
	return w.Stop()
}

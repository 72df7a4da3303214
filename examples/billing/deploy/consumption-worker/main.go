// Scaffolded by `infgen init worker --package github.com/infgen/infgen/examples/billing/gen/consumption`; edit it freely.

// Command consumption-worker is an infgen worker hosting ConsumptionService.
//
// It reads its configuration file (-config, default worker.yaml) and runs until
// SIGINT or SIGTERM. The transport and storage come from the environment: the
// embedded default when INFGEN_PULSAR_URL is unset, otherwise Pulsar with the
// storage named by INFGEN_POSTGRES_DSN, INFGEN_REDIS_ADDR or INFGEN_MYSQL_DSN.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/infgen/infgen/examples/billing/gen/consumption"
	"github.com/infgen/infgen/runtime/config"
	"github.com/infgen/infgen/runtime/worker"
)

func main() {
	configPath := flag.String("config", "worker.yaml", "worker configuration file")
	flag.Parse()
	if err := run(*configPath); err != nil {
		fmt.Fprintln(os.Stderr, "consumption-worker:", err)
		os.Exit(1)
	}
}

// run starts the worker and blocks until SIGINT or SIGTERM.
func run(configPath string) error {
	cfg, err := config.Load(configPath)
	if err != nil {
		return err
	}
	logger := cfg.Logger()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	backends, err := config.OpenBackends(ctx, logger)
	if err != nil {
		return err
	}
	defer func() {
		_ = backends.Close()
	}()
	w, err := worker.New(worker.Options{
		Logger:              logger,
		Storage:             backends.Storage,
		Transport:           backends.Transport,
		WorkflowConcurrency: cfg.WorkflowConcurrency,
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
	logger.Info("worker started", "name", "consumption-worker", "backends", backends.Description)
	<-ctx.Done()
	logger.Info("worker stopping", "name", "consumption-worker")
	return w.Stop()
}

// register hosts the services and workflows in w and returns the connections
// to close when the worker stops.
func register(w *worker.Worker, cfg *config.Config) ([]io.Closer, error) {
	var closers []io.Closer

	// ConsumptionService over HTTP.
	consumptionCfg, err := cfg.Service("consumption", "INFGEN_CONSUMPTION_URL")
	if err != nil {
		return closers, err
	}
	if err := consumption.Register(w, consumption.NewHTTPClient(consumptionCfg.URL), consumptionCfg.Options()...); err != nil {
		return closers, fmt.Errorf("register ConsumptionService: %w", err)
	}
	return closers, nil
}

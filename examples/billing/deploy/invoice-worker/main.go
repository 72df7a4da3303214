// Scaffolded by `infgen init worker --package github.com/infgen/infgen/examples/billing/gen/invoice`; edit it freely.

// Command invoice-worker is an infgen worker hosting InvoiceService.
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

	"github.com/infgen/infgen/examples/billing/gen/invoice"
	"github.com/infgen/infgen/runtime/config"
	"github.com/infgen/infgen/runtime/worker"
)

func main() {
	configPath := flag.String("config", "worker.yaml", "worker configuration file")
	flag.Parse()
	if err := run(*configPath); err != nil {
		fmt.Fprintln(os.Stderr, "invoice-worker:", err)
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
	logger.Info("worker started", "name", "invoice-worker", "backends", backends.Description)
	<-ctx.Done()
	logger.Info("worker stopping", "name", "invoice-worker")
	return w.Stop()
}

// register hosts the services and workflows in w and returns the connections
// to close when the worker stops.
func register(w *worker.Worker, cfg *config.Config) ([]io.Closer, error) {
	var closers []io.Closer

	// InvoiceService over HTTP.
	invoiceCfg, err := cfg.Service("invoice", "INFGEN_INVOICE_URL")
	if err != nil {
		return closers, err
	}
	if err := invoice.Register(w, invoice.NewHTTPClient(invoiceCfg.URL), invoiceCfg.Options()...); err != nil {
		return closers, fmt.Errorf("register InvoiceService: %w", err)
	}
	return closers, nil
}

// Scaffolded by `infgen init worker --package github.com/infgen/infgen/examples/billing/gen/email`; edit it freely.

// Command email-worker is an infgen worker hosting EmailService.
//
// It reads its configuration file (-config, default worker.yaml) and runs until
// SIGINT or SIGTERM. The transport and storage come from the environment: the
// embedded default when INFGEN_PULSAR_URL is unset, otherwise Pulsar with the
// storage named by INFGEN_POSTGRES_DSN, INFGEN_REDIS_ADDR or INFGEN_MYSQL_DSN.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/infgen/infgen/examples/billing/gen/email"
	"github.com/infgen/infgen/runtime/config"
	"github.com/infgen/infgen/runtime/worker"
)

func main() {
	configPath := flag.String("config", "worker.yaml", "worker configuration file")
	flag.Parse()
	// Run blocks until SIGINT or SIGTERM.
	if err := config.Run("email-worker", *configPath, register); err != nil {
		fmt.Fprintln(os.Stderr, "email-worker:", err)
		os.Exit(1)
	}
}

// register hosts the services and workflows in w and returns the connections
// to close when the worker stops.
func register(w *worker.Worker, cfg *config.Config) ([]io.Closer, error) {
	var closers []io.Closer

	// EmailService over HTTP.
	emailCfg, err := cfg.Service("email", "INFGEN_EMAIL_URL")
	if err != nil {
		return closers, err
	}
	if err := email.Register(w, email.NewHTTPClient(emailCfg.URL), emailCfg.Options()...); err != nil {
		return closers, fmt.Errorf("register EmailService: %w", err)
	}
	return closers, nil
}

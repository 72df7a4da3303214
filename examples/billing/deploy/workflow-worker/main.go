// Scaffolded by `infgen init worker --workflow github.com/infgen/infgen/examples/billing/monthly.Workflow`; edit it freely.

// Command workflow-worker is an infgen worker hosting the workflow monthly.Workflow.
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

	"github.com/infgen/infgen/examples/billing/monthly"
	"github.com/infgen/infgen/runtime/config"
	"github.com/infgen/infgen/runtime/worker"
)

func main() {
	configPath := flag.String("config", "worker.yaml", "worker configuration file")
	flag.Parse()
	// Run blocks until SIGINT or SIGTERM.
	if err := config.Run("workflow-worker", *configPath, register); err != nil {
		fmt.Fprintln(os.Stderr, "workflow-worker:", err)
		os.Exit(1)
	}
}

// register hosts the services and workflows in w and returns the connections
// to close when the worker stops.
func register(w *worker.Worker, cfg *config.Config) ([]io.Closer, error) {
	var closers []io.Closer
	if err := w.RegisterWorkflow(monthly.Workflow); err != nil {
		return closers, fmt.Errorf("register workflow github.com/infgen/infgen/examples/billing/monthly.Workflow: %w", err)
	}
	return closers, nil
}

// Scaffolded by `infgen init worker --package github.com/infgen/infgen/examples/billing/gen/payment`; edit it freely.

// Command payment-worker is an infgen worker hosting PaymentService.
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

	"github.com/infgen/infgen/examples/billing/gen/payment"
	"github.com/infgen/infgen/runtime/config"
	"github.com/infgen/infgen/runtime/worker"
)

func main() {
	configPath := flag.String("config", "worker.yaml", "worker configuration file")
	flag.Parse()
	// Run blocks until SIGINT or SIGTERM.
	if err := config.Run("payment-worker", *configPath, register); err != nil {
		fmt.Fprintln(os.Stderr, "payment-worker:", err)
		os.Exit(1)
	}
}

// register hosts the services and workflows in w and returns the connections
// to close when the worker stops.
func register(w *worker.Worker, cfg *config.Config) ([]io.Closer, error) {
	var closers []io.Closer

	// PaymentService over HTTP.
	paymentCfg, err := cfg.Service("payment", "INFGEN_PAYMENT_URL")
	if err != nil {
		return closers, err
	}
	if err := payment.Register(w, payment.NewHTTPClient(paymentCfg.URL, payment.WithCallbacks(cfg.Receiver)), paymentCfg.Options()...); err != nil {
		return closers, fmt.Errorf("register PaymentService: %w", err)
	}

	// The webhooks and callbacks of PaymentService, on the receiver that worker.yaml's
	// webhooks.listen starts (cfg.Receiver is nil without it).
	if cfg.Receiver != nil {
		if err := payment.HandlePaymentOutcome(cfg.Receiver); err != nil {
			return closers, fmt.Errorf("register the paymentOutcome callback: %w", err)
		}
	}
	return closers, nil
}

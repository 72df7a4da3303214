// Scaffolded by `infgen init worker --package github.com/infgen/infgen/examples/billing/gen/consumption --package github.com/infgen/infgen/examples/billing/gen/payment --package github.com/infgen/infgen/examples/billing/gen/invoice --package github.com/infgen/infgen/examples/billing/gen/email --package github.com/infgen/infgen/examples/billing/gen/subscription --workflow github.com/infgen/infgen/examples/billing/monthly.Workflow`; edit it freely.

// Command all-in-one is an infgen worker hosting ConsumptionService, PaymentService, InvoiceService, EmailService, billing.subscription.v1.SubscriptionService, the workflow monthly.Workflow.
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

	"github.com/infgen/infgen/examples/billing/gen/consumption"
	"github.com/infgen/infgen/examples/billing/gen/email"
	"github.com/infgen/infgen/examples/billing/gen/invoice"
	"github.com/infgen/infgen/examples/billing/gen/payment"
	"github.com/infgen/infgen/examples/billing/gen/subscription"
	"github.com/infgen/infgen/examples/billing/monthly"
	"github.com/infgen/infgen/runtime/config"
	"github.com/infgen/infgen/runtime/worker"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

func main() {
	configPath := flag.String("config", "worker.yaml", "worker configuration file")
	flag.Parse()
	// Run blocks until SIGINT or SIGTERM.
	if err := config.Run("all-in-one", *configPath, register); err != nil {
		fmt.Fprintln(os.Stderr, "all-in-one:", err)
		os.Exit(1)
	}
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

	// PaymentService over HTTP.
	paymentCfg, err := cfg.Service("payment", "INFGEN_PAYMENT_URL")
	if err != nil {
		return closers, err
	}
	if err := payment.Register(w, payment.NewHTTPClient(paymentCfg.URL, payment.WithCallbacks(cfg.Receiver)), paymentCfg.Options()...); err != nil {
		return closers, fmt.Errorf("register PaymentService: %w", err)
	}

	// InvoiceService over HTTP.
	invoiceCfg, err := cfg.Service("invoice", "INFGEN_INVOICE_URL")
	if err != nil {
		return closers, err
	}
	if err := invoice.Register(w, invoice.NewHTTPClient(invoiceCfg.URL), invoiceCfg.Options()...); err != nil {
		return closers, fmt.Errorf("register InvoiceService: %w", err)
	}

	// EmailService over HTTP.
	emailCfg, err := cfg.Service("email", "INFGEN_EMAIL_URL")
	if err != nil {
		return closers, err
	}
	if err := email.Register(w, email.NewHTTPClient(emailCfg.URL), emailCfg.Options()...); err != nil {
		return closers, fmt.Errorf("register EmailService: %w", err)
	}

	// billing.subscription.v1.SubscriptionService over gRPC.
	subscriptionCfg, err := cfg.Service("subscription", "INFGEN_SUBSCRIPTION_URL")
	if err != nil {
		return closers, err
	}
	subscriptionConn, err := grpc.NewClient(subscriptionCfg.URL, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return closers, fmt.Errorf("connect to billing.subscription.v1.SubscriptionService at %s: %w", subscriptionCfg.URL, err)
	}
	closers = append(closers, subscriptionConn)
	if err := subscription.Register(w, subscription.NewGRPCClient(subscriptionConn), subscriptionCfg.Options()...); err != nil {
		return closers, fmt.Errorf("register billing.subscription.v1.SubscriptionService: %w", err)
	}

	// The webhooks and callbacks of PaymentService, on the receiver that worker.yaml's
	// webhooks.listen starts (cfg.Receiver is nil without it).
	if cfg.Receiver != nil {
		if err := payment.HandlePaymentOutcome(cfg.Receiver); err != nil {
			return closers, fmt.Errorf("register the paymentOutcome callback: %w", err)
		}
	}
	if err := w.RegisterWorkflow(monthly.Workflow); err != nil {
		return closers, fmt.Errorf("register workflow github.com/infgen/infgen/examples/billing/monthly.Workflow: %w", err)
	}
	return closers, nil
}

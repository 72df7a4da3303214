package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/infgen/infgen/examples/billing/gen/consumption"
	"github.com/infgen/infgen/examples/billing/gen/email"
	"github.com/infgen/infgen/examples/billing/gen/invoice"
	"github.com/infgen/infgen/examples/billing/gen/payment"
	"github.com/infgen/infgen/examples/billing/gen/subscription"
	"github.com/infgen/infgen/examples/billing/monthly"
	"github.com/infgen/infgen/examples/billing/servers"
	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/retry"
	"github.com/infgen/infgen/runtime/worker"
)

// app is everything the example runs in one process: the servers standing
// for the company's services, one worker per generated service package, the
// workflow worker and a client, all on the embedded default runtime.
type app struct {
	cfg      config
	servers  *servers.Servers
	rt       *local.Runtime
	workers  []*worker.Worker
	client   *client.Client
	conn     *grpc.ClientConn
	website  subscription.SubscriptionService // the company's own calls (subscribe, cancel)
	attempts *attempts
}

// recordsDir is where the example servers keep their records: next to the
// state file, so that both survive together.
func recordsDir(db string) string {
	if db == "" {
		return ""
	}
	return db + ".records"
}

// startApp starts the servers, the workers and the client.
func startApp(ctx context.Context, cfg config) (a *app, err error) {
	level := slog.LevelError
	if cfg.verbose {
		level = slog.LevelInfo
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	a = &app{cfg: cfg, attempts: &attempts{}}
	defer func() {
		if err != nil {
			_ = a.close()
		}
	}()
	a.servers, err = servers.Start(servers.Config{Dir: recordsDir(cfg.db), FailRate: cfg.failRate, Declined: declined(cfg), Logger: logger})
	if err != nil {
		return nil, err
	}
	if a.rt, err = local.Open(cfg.db); err != nil {
		return nil, err
	}
	a.conn, err = grpc.NewClient(a.servers.SubscriptionAddr,
		grpc.WithTransportCredentials(insecure.NewCredentials()), grpc.WithUnaryInterceptor(a.attempts.intercept))
	if err != nil {
		return nil, fmt.Errorf("connect to the subscription server: %w", err)
	}
	a.website = subscription.NewGRPCClient(a.conn)
	hc := &http.Client{Transport: a.attempts.roundTripper(http.DefaultTransport)}
	// One worker per generated package, as they would be deployed (see
	// docs/deploy.md); service workers first, so that the workflow worker's
	// recovery finds them subscribed.
	registrations := []func(w *worker.Worker, opts ...worker.ServiceOption) error{
		func(w *worker.Worker, o ...worker.ServiceOption) error {
			return consumption.Register(w, consumption.NewHTTPClient(a.servers.ConsumptionURL, consumption.WithHTTPClient(hc)), o...)
		},
		func(w *worker.Worker, o ...worker.ServiceOption) error {
			return payment.Register(w, payment.NewHTTPClient(a.servers.PaymentURL, payment.WithHTTPClient(hc)), o...)
		},
		func(w *worker.Worker, o ...worker.ServiceOption) error {
			return invoice.Register(w, invoice.NewHTTPClient(a.servers.InvoiceURL, invoice.WithHTTPClient(hc)), o...)
		},
		func(w *worker.Worker, o ...worker.ServiceOption) error {
			return email.Register(w, email.NewHTTPClient(a.servers.EmailURL, email.WithHTTPClient(hc)), o...)
		},
		func(w *worker.Worker, o ...worker.ServiceOption) error {
			return subscription.Register(w, subscription.NewGRPCClient(a.conn), o...)
		},
	}
	opts := []worker.ServiceOption{worker.WithRetry(retryPolicy(cfg.month)), worker.WithTimeout(cfg.taskTimeout), worker.WithConcurrency(16)}
	for _, register := range registrations {
		w, err := a.rt.NewWorker(worker.Options{Logger: logger, Recover: worker.RecoverNever})
		if err != nil {
			return nil, err
		}
		if err := register(w, opts...); err != nil {
			return nil, fmt.Errorf("register service worker: %w", err)
		}
		if err := a.startWorker(ctx, w); err != nil {
			return nil, err
		}
	}
	w, err := a.rt.NewWorker(worker.Options{Logger: logger})
	if err != nil {
		return nil, err
	}
	if err := w.RegisterWorkflow(monthly.Definition()); err != nil {
		return nil, fmt.Errorf("register workflow: %w", err)
	}
	if err := a.startWorker(ctx, w); err != nil {
		return nil, err
	}
	a.client, err = a.rt.NewClient(ctx, func(o *client.Options) { o.Logger, o.PollInterval = logger, 200*time.Millisecond })
	return a, err
}

func (a *app) startWorker(ctx context.Context, w *worker.Worker) error {
	if err := w.Start(ctx); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	a.workers = append(a.workers, w)
	return nil
}

// retryPolicy scales back-off to the month: ten attempts, starting at a
// twentieth of a month.
func retryPolicy(month time.Duration) retry.Policy {
	return retry.Policy{MaxAttempts: 10, Initial: max(month/20, 10*time.Millisecond), Multiplier: 2, Max: max(month/2, 50*time.Millisecond), Jitter: 0.2}
}

// close stops everything, the workflow worker first.
func (a *app) close() error {
	var errs []error
	if a.client != nil {
		errs = append(errs, a.client.Close())
	}
	for i := len(a.workers) - 1; i >= 0; i-- {
		errs = append(errs, a.workers[i].Stop())
	}
	if a.rt != nil {
		errs = append(errs, a.rt.Close())
	}
	if a.conn != nil {
		errs = append(errs, a.conn.Close())
	}
	if a.servers != nil {
		errs = append(errs, a.servers.Close())
	}
	return errors.Join(errs...)
}

package main

import (
	"context"
	"fmt"
	"time"

	"github.com/infgen/infgen/examples/billing/gen/consumption"
	"github.com/infgen/infgen/examples/billing/gen/email"
	"github.com/infgen/infgen/examples/billing/gen/invoice"
	"github.com/infgen/infgen/examples/billing/gen/payment"
	"github.com/infgen/infgen/examples/billing/gen/subscription"
	"github.com/infgen/infgen/examples/billing/monthly"
	"github.com/infgen/infgen/runtime/retry"
	"github.com/infgen/infgen/runtime/worker"
)

// startWorkers starts one worker per generated package, as they would be
// deployed (see docs/deploy.md), then the workflow worker: service workers
// first, so that the workflow worker's recovery finds them subscribed.
func (a *app) startWorkers(ctx context.Context, at endpoints) error {
	hc := a.httpClient()
	conn, err := a.dial(at.subscription)
	if err != nil {
		return err
	}
	registrations := []func(w *worker.Worker, opts ...worker.ServiceOption) error{
		func(w *worker.Worker, o ...worker.ServiceOption) error {
			return consumption.Register(w, consumption.NewHTTPClient(at.consumption, consumption.WithHTTPClient(hc)), o...)
		},
		func(w *worker.Worker, o ...worker.ServiceOption) error {
			// WithCallbacks: CreateCharge's callbackUrl is this process's receiver.
			return payment.Register(w, payment.NewHTTPClient(at.payment, payment.WithHTTPClient(hc), payment.WithCallbacks(a.hooks.receiver)), o...)
		},
		func(w *worker.Worker, o ...worker.ServiceOption) error {
			return invoice.Register(w, invoice.NewHTTPClient(at.invoice, invoice.WithHTTPClient(hc)), o...)
		},
		func(w *worker.Worker, o ...worker.ServiceOption) error {
			return email.Register(w, email.NewHTTPClient(at.email, email.WithHTTPClient(hc)), o...)
		},
		func(w *worker.Worker, o ...worker.ServiceOption) error {
			return subscription.Register(w, subscription.NewGRPCClient(conn), o...)
		},
	}
	opts := []worker.ServiceOption{worker.WithRetry(retryPolicy(a.cfg.month)), worker.WithTimeout(a.cfg.taskTimeout), worker.WithConcurrency(16)}
	for _, register := range registrations {
		w, err := a.newWorker(worker.RecoverNever)
		if err != nil {
			return err
		}
		if err := register(w, opts...); err != nil {
			return fmt.Errorf("register service worker: %w", err)
		}
		if err := a.startWorker(ctx, w); err != nil {
			return err
		}
	}
	w, err := a.newWorker(worker.RecoverAuto)
	if err != nil {
		return err
	}
	if err := w.RegisterWorkflow(monthly.Workflow, monthly.Cycle); err != nil {
		return fmt.Errorf("register workflow: %w", err)
	}
	return a.startWorker(ctx, w)
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

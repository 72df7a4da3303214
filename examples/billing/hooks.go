package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/infgen/infgen/examples/billing/gen/email"
	"github.com/infgen/infgen/examples/billing/gen/payment"
	"github.com/infgen/infgen/examples/billing/monthly"
	"github.com/infgen/infgen/runtime/events"
	"github.com/infgen/infgen/runtime/service"
	"github.com/infgen/infgen/runtime/webhook"
	"github.com/infgen/infgen/runtime/worker"
)

// The demo's secrets: the HMAC key the payment server signs its callbacks
// with (the receiver checks it) and the key of the callback URLs' tokens.
// Every process of a run must share them; a deployment takes them from its
// secret store.
var (
	webhookSecret = envOr("BILLING_WEBHOOK_SECRET", "billing-demo-webhook-secret")
	tokenSecret   = envOr("BILLING_WEBHOOK_TOKEN_SECRET", "billing-demo-token-secret")
)

func envOr(name, def string) []byte {
	if v := os.Getenv(name); v != "" {
		return []byte(v)
	}
	return []byte(def)
}

// hooks is the webhook receiver of a process that runs the payment worker:
// its own HTTP server (-webhooks, 127.0.0.1 by default), where the payment
// server calls back the outcome of each charge.
type hooks struct {
	receiver *webhook.Receiver
	srv      *http.Server
	url      string
}

// startHooks serves the receiver, which delivers through the app's client,
// with the paymentOutcome callback endpoint registered.
func (a *app) startHooks() error {
	ln, err := a.listenHooks()
	if err != nil {
		return err
	}
	url := "http://" + ln.Addr().String()
	recv := webhook.NewReceiver(a.client, webhook.Options{URL: url, TokenSecret: tokenSecret, Logger: a.logger})
	if err := payment.HandlePaymentOutcome(recv, webhook.WithSecret(webhookSecret)); err != nil {
		_ = ln.Close()
		return fmt.Errorf("webhook receiver: %w", err)
	}
	srv := &http.Server{Handler: recv, ReadHeaderTimeout: 5 * time.Second, ErrorLog: slog.NewLogLogger(a.logger.Handler(), slog.LevelWarn)}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.logger.Error("webhook receiver stopped", "err", err)
		}
	}()
	a.hooks = &hooks{receiver: recv, srv: srv, url: url}
	return nil
}

func (h *hooks) close() error { return h.srv.Close() }

// listenHooks listens on -webhooks, or else on a free port of 127.0.0.1;
// with -db, the port chosen first is kept next to the state file
// (FILE.webhooks) and taken again by a rerun, so that the callbacks of
// charges made before a crash still find the receiver, as a deployment's
// public URL would.
func (a *app) listenHooks() (net.Listener, error) {
	addr, keep := a.cfg.webhooks, ""
	if addr == "" {
		addr = "127.0.0.1:0"
		if a.cfg.db != "" {
			keep = a.cfg.db + ".webhooks"
			if b, err := os.ReadFile(keep); err == nil {
				addr = strings.TrimSpace(string(b))
			}
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("webhook receiver: listen on %s: %w", addr, err)
	}
	if keep != "" {
		if err := os.WriteFile(keep, []byte(ln.Addr().String()+"\n"), 0o644); err != nil {
			_ = ln.Close()
			return nil, fmt.Errorf("webhook receiver: keep its address: %w", err)
		}
	}
	return ln, nil
}

// startReceipts starts the receipts worker: an events subscriber that
// emails a receipt for each billing.payment.settled event the workflows
// emit. The email's idempotency key is the event's id, so a receipt is
// sent once per event even when the event is delivered, or handled, twice.
func (a *app) startReceipts(ctx context.Context, at endpoints) error {
	w, err := a.newWorker(worker.RecoverNever)
	if err != nil {
		return err
	}
	mail := email.NewHTTPClient(at.email, email.WithHTTPClient(a.httpClient()))
	send := func(ctx context.Context, ev *events.Event, s *monthly.Settled) error {
		// Outside a task the generated client sends the key of the task in
		// ctx: the event's id stands for it.
		ctx = service.WithTask(ctx, service.Task{ID: ev.ID, IdempotencyKey: ev.ID})
		_, err := mail.SendEmail(ctx, &email.SendEmailInput{Body: &email.Email{
			To: s.Email, Kind: email.EmailKindReceipt, Subject: monthly.ReceiptSubject(s.Month),
			Body: fmt.Sprintf("Payment %s: %d.%02d %s for %s (invoice %s). Thank you!",
				s.PaymentID, s.AmountCents/100, s.AmountCents%100, s.Currency, s.Month, s.Invoice),
		}})
		return err
	}
	err = events.SubscribeData(w, monthly.SettledEvent, send, events.Name("receipts"),
		events.Timeout(a.cfg.taskTimeout), events.RetryDelay(retryPolicy(a.cfg.month).Initial), events.Concurrency(16))
	if err != nil {
		return fmt.Errorf("subscribe receipts: %w", err)
	}
	return a.startWorker(ctx, w)
}

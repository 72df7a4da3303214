package main

import (
	"context"
	"fmt"

	"github.com/infgen/infgen/examples/billing/gen/email"
	"github.com/infgen/infgen/examples/billing/monthly"
	"github.com/infgen/infgen/runtime/events"
	"github.com/infgen/infgen/runtime/service"
	"github.com/infgen/infgen/runtime/worker"
)

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

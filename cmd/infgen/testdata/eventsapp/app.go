// Package eventsapp is the sample input of the infgen events catalog
// golden test: a workflow that emits an event and a worker that subscribes
// to events, by type and through a generated package's typed method.
package eventsapp

import (
	"context"

	"github.com/infgen/infgen/examples/billing/gen/payment"
	"github.com/infgen/infgen/runtime/events"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// Settle emits payments.charge.settled.
func Settle(ctx workflow.Context, id string) (string, error) {
	return id, workflow.Emit(ctx, workflow.Event{Type: "payments.charge.settled", Data: id})
}

// Subscribe consumes payments.charge.settled and the payment service's
// completed RequestPayment tasks.
func Subscribe(w *worker.Worker) error {
	if err := events.Subscribe(w, "payments.charge.settled", func(context.Context, *events.Event) error { return nil }); err != nil {
		return err
	}
	return events.On(w, payment.PaymentServiceEvents.RequestPaymentCompleted, func(context.Context, *events.Event, *payment.RequestPaymentOutput) error {
		return nil
	})
}

package monthly

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/infgen/infgen/examples/billing/gen/consumption"
	"github.com/infgen/infgen/examples/billing/gen/email"
	"github.com/infgen/infgen/examples/billing/gen/invoice"
	"github.com/infgen/infgen/examples/billing/gen/payment"
	"github.com/infgen/infgen/examples/billing/gen/subscription"
	"github.com/infgen/infgen/runtime/workflow"
)

// billMonth bills one month as a saga: it issues the month's invoice, then
// charges it, then emails it. Each call is a durable task: a crash between
// two calls resumes after the last one that completed, and a retried call
// reuses its task id as Idempotency-Key. The payment carries a key of its
// own, the customer and the month: a month is charged once even by another
// run of the workflow (a customer who comes back, restarted with
// RestartIfFinished), whose task ids are new.
//
// The invoice is issued with CreateInvoiceCompensated, which registers in
// the month's saga the compensation invoice.yaml declares for it
// (x-infgen-compensate: voidInvoice with the new invoice's id). When the
// card is declined, the saga undoes the steps done so far: the invoice is
// voided, once, by a durable task. Other payment failures leave the month
// as it is, for an operator to retry the payment (infgen workflow retry).
func billMonth(ctx workflow.Context, in Input, month string, res *Result) error {
	used, err := consumption.NewConsumptionServiceStub().GetConsumption(ctx, &consumption.GetConsumptionInput{
		CustomerID: in.CustomerID, Month: month,
	})
	if err != nil {
		return err
	}
	c := used.Body
	if c == nil {
		return fmt.Errorf("consumption of %s for %s: empty response body", in.CustomerID, month)
	}
	saga := workflow.NewSaga()
	inv, err := invoice.NewInvoiceServiceStub().CreateInvoiceCompensated(ctx, saga, &invoice.CreateInvoiceInput{Body: &invoice.InvoiceRequest{
		CustomerID: in.CustomerID, Month: month, Currency: c.Currency,
		Lines: []invoice.InvoiceLine{{
			Description: fmt.Sprintf("Metered usage, %s", month), Quantity: c.Units,
			UnitPriceCents: c.UnitPriceCents, AmountCents: c.AmountCents,
		}},
	}})
	if err != nil {
		return err
	}
	paid, err := charge(ctx, in, month, &payment.PaymentRequest{
		CustomerID: in.CustomerID, Month: month, AmountCents: c.AmountCents, Currency: c.Currency,
		Description: &inv.Body.Number,
	})
	var decline *CardDeclined
	if errors.As(err, &decline) {
		if cerr := saga.Compensate(ctx); cerr != nil {
			return errors.Join(err, cerr)
		}
		res.VoidedInvoices = append(res.VoidedInvoices, inv.Body.Number)
		return err
	}
	if err != nil {
		return err
	}
	// The receipt is not this workflow's business: it says what happened,
	// and the receipts subscriber (events.Subscribe) emails it.
	if err := workflow.Emit(ctx, workflow.Event{Type: SettledEvent, Data: Settled{
		CustomerID: in.CustomerID, Email: in.Email, Month: month, PaymentID: paid.ID, Invoice: inv.Body.Number,
		AmountCents: paid.AmountCents, Currency: paid.Currency,
	}}); err != nil {
		return err
	}
	_, err = email.NewEmailServiceStub().SendEmail(ctx, &email.SendEmailInput{Body: &email.Email{
		To: in.Email, Kind: email.EmailKindInvoice, InvoiceID: &inv.Body.ID,
		Subject: fmt.Sprintf("Your invoice %s for %s", inv.Body.Number, month),
		Body:    fmt.Sprintf("We charged %s for %s. Thank you!", money(paid.AmountCents, paid.Currency), month),
	}})
	if err != nil {
		return err
	}
	res.Months = append(res.Months, month)
	res.Invoices = append(res.Invoices, inv.Body.Number)
	res.ChargedCents += paid.AmountCents
	return nil
}

// declined reports whether err is the payment API's declared 402: the
// card was declined. It reaches the workflow as the generated
// *payment.RequestPaymentError, problem body included, whichever process
// ran the payment and after any restart.
func declined(err error) bool {
	var d *payment.RequestPaymentError
	return errors.As(err, &d) && d.StatusCode == http.StatusPaymentRequired
}

// endSubscription ends the subscription after the card was declined (the
// month's invoice is voided already): it tells the customer why, from the
// payment API's problem body, and cancels the subscription, both at once.
func endSubscription(ctx workflow.Context, in Input, month string, declined *CardDeclined) error {
	notice := workflow.Async(ctx, email.NewEmailServiceStub().SendEmail, &email.SendEmailInput{Body: &email.Email{
		To: in.Email, Kind: email.EmailKindPaymentFailed,
		Subject: fmt.Sprintf("Payment for %s failed: subscription canceled", month),
		Body:    fmt.Sprintf("We could not charge your card for %s (%s). Your subscription is canceled.", month, declined.Reason),
	}})
	cancel := workflow.Async(ctx, subscription.NewSubscriptionServiceStub().CancelSubscription, &subscription.CancelSubscriptionRequest{
		CustomerId: in.CustomerID, Reason: "payment failed for " + month,
	})
	if err := workflow.AwaitAll(ctx, notice, cancel); err != nil {
		return fmt.Errorf("end the subscription of %s after the failed payment for %s: %w", in.CustomerID, month, err)
	}
	return nil
}

// declineReason is the problem detail of a declined payment, or its title,
// or the start of the response body when it had no problem body.
func declineReason(declined *payment.RequestPaymentError) string {
	switch b := declined.Body; {
	case b != nil && b.Detail != nil && *b.Detail != "":
		return *b.Detail
	case b != nil && b.Title != "":
		return b.Title
	}
	return declined.Message
}

// PaymentKey is the idempotency key of the payment of a customer's month.
func PaymentKey(customerID, month string) string { return "payment/" + customerID + "/" + month }

// money formats cents, e.g. 12.34 EUR.
func money(cents int64, currency string) string {
	return fmt.Sprintf("%d.%02d %s", cents/100, cents%100, currency)
}

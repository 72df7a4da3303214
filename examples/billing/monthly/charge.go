package monthly

import (
	"errors"
	"fmt"

	"github.com/infgen/infgen/examples/billing/gen/payment"
	"github.com/infgen/infgen/runtime/workflow"
)

// SettledEvent is the type of the event a workflow emits when a month's
// payment succeeded (workflow.Emit): the receipts subscriber emails a
// receipt for each one.
const SettledEvent = "billing.payment.settled"

// Settled is the data of a SettledEvent.
type Settled struct {
	CustomerID  string `json:"customerId"`
	Email       string `json:"email"`
	Month       string `json:"month"`
	PaymentID   string `json:"paymentId"`
	Invoice     string `json:"invoice"`
	AmountCents int64  `json:"amountCents"`
	Currency    string `json:"currency"`
}

// ReceiptSubject is the subject of the receipt for a month.
func ReceiptSubject(month string) string { return "Receipt for " + month }

// CardDeclined is the error of a month whose card was declined, whichever
// way the payment API said so: a 402 to RequestPayment (Cause is the
// generated *payment.RequestPaymentError) or a declined outcome called back
// after CreateCharge.
type CardDeclined struct {
	Month  string
	Reason string
	Cause  error
}

func (e *CardDeclined) Error() string {
	return fmt.Sprintf("card declined for %s: %s", e.Month, e.Reason)
}

func (e *CardDeclined) Unwrap() error { return e.Cause }

// charge charges the month as in.Payment says and returns the payment, or
// a *CardDeclined, or another error (the workflow fails without
// compensating: not the customer's doing).
func charge(ctx workflow.Context, in Input, month string, req *payment.PaymentRequest) (*payment.Payment, error) {
	pay := payment.NewPaymentServiceStub()
	key := workflow.WithIdempotencyKey(PaymentKey(in.CustomerID, month))
	if in.Payment != PaymentCallback {
		paid, err := pay.RequestPayment(ctx, &payment.RequestPaymentInput{Body: req}, key)
		var d *payment.RequestPaymentError
		if declined(err) && errors.As(err, &d) {
			return nil, &CardDeclined{Month: month, Reason: declineReason(d), Cause: err}
		}
		if err != nil {
			return nil, err
		}
		if paid.Body == nil {
			return nil, fmt.Errorf("payment of %s for %s: empty response body", in.CustomerID, month)
		}
		return paid.Body, nil
	}
	// The charge is accepted at once (202); its outcome is called back to
	// the webhook receiver, which signals this workflow once per delivery.
	call := pay.CallCreateCharge(ctx, &payment.CreateChargeInput{Body: &payment.ChargeRequest{
		CustomerID: req.CustomerID, Month: req.Month, AmountCents: req.AmountCents, Currency: req.Currency,
		Description: req.Description,
	}}, key)
	if _, err := call.Await(ctx); err != nil {
		return nil, err
	}
	timeout := in.PaymentTimeout
	if timeout <= 0 {
		timeout = in.MonthLength
	}
	out, err := pay.AwaitPaymentOutcome(ctx, call, timeout)
	if err != nil { // no outcome in time: the charge may still settle, so nothing is undone
		return nil, fmt.Errorf("payment of %s for %s: %w", in.CustomerID, month, err)
	}
	if out == nil {
		return nil, fmt.Errorf("payment of %s for %s: empty outcome", in.CustomerID, month)
	}
	if out.Status == payment.PaymentOutcomeStatusDeclined {
		reason := "card declined"
		if out.Detail != nil && *out.Detail != "" {
			reason = *out.Detail
		}
		return nil, &CardDeclined{Month: month, Reason: reason}
	}
	p := &payment.Payment{CustomerID: out.CustomerID, Month: out.Month, Status: payment.PaymentStatusSucceeded}
	if out.PaymentID != nil {
		p.ID = *out.PaymentID
	}
	if out.AmountCents != nil {
		p.AmountCents = *out.AmountCents
	}
	if out.Currency != nil {
		p.Currency = *out.Currency
	}
	return p, nil
}

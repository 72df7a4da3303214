package monthly

import (
	"errors"
	"fmt"
	"time"

	"github.com/infgen/infgen/examples/billing/gen/subscription"
	"github.com/infgen/infgen/runtime/workflow"
)

// Name is the registered name of the workflow.
const Name = "billing.monthly"

// UnsubscribeSignal is the signal channel a customer's unsubscribe request
// arrives on (client.Signal(ctx, client.Target{ID: customerID}, UnsubscribeSignal, Unsubscribe{…})).
const UnsubscribeSignal = "unsubscribe"

// Input starts the billing of one customer.
type Input struct {
	CustomerID string `json:"customerId"`
	Email      string `json:"email"`
	// FirstMonth is the first billed calendar month, as YYYY-MM.
	FirstMonth string `json:"firstMonth"`
	// Months is how many months the instance bills in all.
	Months int `json:"months"`
	// MonthsPerRun is how many months one run bills before the workflow
	// continues as new, with an empty history, so that a subscription of
	// many years replays no more than a year of history (default 12).
	MonthsPerRun int `json:"monthsPerRun,omitempty"`
	// Billed is what the earlier runs billed: the workflow sets it when it
	// continues as new; callers leave it empty.
	Billed *Result `json:"billed,omitempty"`
	// MonthLength is how long a month lasts: 720h in production, a second
	// in the demo.
	MonthLength time.Duration `json:"monthLength"`
	// Payment says how a month is charged: PaymentSync (the default)
	// calls POST /payments, which answers with the outcome; PaymentCallback
	// calls POST /charges, which accepts the charge, and awaits its outcome,
	// called back through the worker's webhook receiver, for at most
	// PaymentTimeout (default: MonthLength).
	Payment        string        `json:"payment,omitempty"`
	PaymentTimeout time.Duration `json:"paymentTimeout,omitempty"`
}

// How a month is charged (Input.Payment).
const (
	// PaymentSync charges with RequestPayment: the outcome is the answer.
	PaymentSync = ""
	// PaymentCallback charges with CreateCharge and awaits the
	// paymentOutcome callback (payment.yaml), delivered by the webhook
	// receiver the payment worker's HTTP client names (WithCallbacks).
	PaymentCallback = "callback"
)

// Unsubscribe is the value of the unsubscribe signal.
type Unsubscribe struct {
	Reason string `json:"reason"`
}

// How a billing workflow ended.
const (
	// EndedCompleted: every month of Input.Months was billed.
	EndedCompleted = "completed"
	// EndedUnsubscribed: the customer sent the unsubscribe signal.
	EndedUnsubscribed = "unsubscribed"
	// EndedCanceled: the subscription was canceled elsewhere.
	EndedCanceled = "canceled"
	// EndedPaymentFailed: the card was declined (the payment API's 402);
	// the month's invoice was voided (the saga's compensation), the
	// customer told and the subscription canceled. Any other
	// payment failure (an invalid request, the API still down after the
	// last retry) is no reason to drop the customer: the workflow fails,
	// for an operator to retry its tasks once the cause is fixed.
	EndedPaymentFailed = "payment_failed"
)

// Result is the outcome of a billing workflow.
type Result struct {
	CustomerID string `json:"customerId"`
	// Ended says why the workflow stopped (Ended… constants).
	Ended string `json:"ended"`
	// Months are the billed months, in order.
	Months []string `json:"months"`
	// Invoices are the invoice numbers, one per billed month.
	Invoices []string `json:"invoices"`
	// ChargedCents is the total charged.
	ChargedCents int64 `json:"chargedCents"`
	// FailedMonth is the month whose card was declined, for EndedPaymentFailed.
	FailedMonth string `json:"failedMonth,omitempty"`
	// VoidedInvoices are the invoices voided because their payment was
	// declined: the saga's compensation, one per failed month.
	VoidedInvoices []string `json:"voidedInvoices,omitempty"`
}

// Workflow is the typed reference to the billing workflow: register it
// (w.RegisterWorkflow(monthly.Workflow)), start it from a client
// (client.StartRef(ctx, c, monthly.Workflow, in, client.StartParams{ID: customerID}))
// or from another workflow (monthly.Workflow.Run(ctx, in)) without writing
// its name or its types again.
var Workflow = workflow.Define(Name, Billing)

// Billing bills a customer every month until they unsubscribe.
func Billing(ctx workflow.Context, in Input) (Result, error) {
	res := Result{CustomerID: in.CustomerID, Ended: EndedCompleted, Months: []string{}, Invoices: []string{}}
	if in.Billed != nil {
		res = *in.Billed
	}
	if err := in.validate(); err != nil {
		return res, err
	}
	perRun := in.MonthsPerRun
	if perRun <= 0 {
		perRun = 12
	}
	subs := subscription.NewSubscriptionServiceStub()
	unsubscribe := workflow.SignalChannel[Unsubscribe](UnsubscribeSignal)
	first := len(res.Months)
	for i := first; i < in.Months; i++ {
		if i-first == perRun {
			// Keep the history of one run bounded: start over, carrying
			// what was billed (and any unread unsubscribe signal).
			next := in
			next.Billed = &res
			return Result{}, workflow.ContinueAsNew(ctx, next)
		}
		// Wait for the month to end, unless the customer leaves first.
		req, left, err := unsubscribe.ReceiveTimeout(ctx, in.MonthLength)
		if err != nil {
			return res, err
		}
		if left {
			res.Ended = EndedUnsubscribed
			_, err := subs.CancelSubscription(ctx, &subscription.CancelSubscriptionRequest{CustomerId: in.CustomerID, Reason: "unsubscribed: " + req.Reason})
			return res, err
		}
		sub, err := subs.GetSubscription(ctx, &subscription.GetSubscriptionRequest{CustomerId: in.CustomerID})
		if err != nil {
			return res, err
		}
		if !sub.GetActive() {
			res.Ended = EndedCanceled
			return res, nil
		}
		month := monthLabel(in.FirstMonth, i)
		err = billMonth(ctx, in, month, &res) // a saga: a declined card voids the month's invoice
		var decline *CardDeclined
		if errors.As(err, &decline) {
			if cerr := compensationFailure(err); cerr != nil {
				return res, cerr // the invoice could not be voided: for an operator
			}
			res.Ended, res.FailedMonth = EndedPaymentFailed, month
			return res, endSubscription(ctx, in, month, decline)
		}
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// compensationFailure returns the *workflow.CompensationError in err, or nil.
func compensationFailure(err error) error {
	var cerr *workflow.CompensationError
	if errors.As(err, &cerr) {
		return err
	}
	return nil
}

func (in Input) validate() error {
	if in.CustomerID == "" || in.Email == "" {
		return errors.New("monthly: Input.CustomerID and Input.Email are required")
	}
	if _, err := time.Parse("2006-01", in.FirstMonth); err != nil {
		return fmt.Errorf("monthly: Input.FirstMonth %q is not YYYY-MM: %w", in.FirstMonth, err)
	}
	if in.Months <= 0 || in.MonthLength <= 0 {
		return errors.New("monthly: Input.Months and Input.MonthLength must be positive")
	}
	if in.Payment != PaymentSync && in.Payment != PaymentCallback {
		return fmt.Errorf("monthly: Input.Payment %q: want %q or %q", in.Payment, PaymentSync, PaymentCallback)
	}
	return nil
}

// monthLabel returns the YYYY-MM label of the month i months after first.
func monthLabel(first string, i int) string {
	t, _ := time.Parse("2006-01", first) // validated
	return t.AddDate(0, i, 0).Format("2006-01")
}

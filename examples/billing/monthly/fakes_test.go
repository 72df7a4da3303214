package monthly_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/examples/billing/gen/consumption"
	"github.com/infgen/infgen/examples/billing/gen/email"
	"github.com/infgen/infgen/examples/billing/gen/invoice"
	"github.com/infgen/infgen/examples/billing/gen/payment"
	"github.com/infgen/infgen/examples/billing/gen/subscription"
	"github.com/infgen/infgen/examples/billing/monthly"
	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/retry"
	"github.com/infgen/infgen/runtime/service"
	"github.com/infgen/infgen/runtime/webhook"
	"github.com/infgen/infgen/runtime/worker"
)

// company implements the five generated service interfaces in memory, the
// way a test replaces the real APIs: Register accepts any implementation.
type company struct {
	mu       sync.Mutex
	declined bool // RequestPayment answers 402: card declined
	// declineFrom declines the months from this one (YYYY-MM) on.
	declineFrom string
	// voidFaults is how many VoidInvoice calls fail with a retryable error first.
	voidFaults int
	voids      map[string]int    // invoice id → times voided
	voidKeys   map[string]string // idempotency key → invoice id
	invalid    bool              // RequestPayment answers 422: invalid request
	canceled   bool              // GetSubscription reports the subscription canceled
	charges    map[string]string // idempotency key → month
	emails     []string          // kinds
	notices    []string          // bodies of the payment-failure emails
	cancelled  []string          // reasons
	// callbacks delivers CreateCharge's outcome, as the webhook receiver
	// does (client.SignalOnce on the call's callback channel); nil: no
	// outcome is ever called back. deliveries counts the outcomes sent,
	// each twice (a redelivery with the same delivery id).
	callbacks  *client.Client
	deliveries int
	silent     bool // no outcome is called back
}

func newCompany() *company {
	return &company{charges: map[string]string{}, voids: map[string]int{}, voidKeys: map[string]string{}}
}

func (c *company) GetConsumption(_ context.Context, in *consumption.GetConsumptionInput) (*consumption.GetConsumptionOutput, error) {
	return &consumption.GetConsumptionOutput{StatusCode: 200, Body: &consumption.Consumption{
		CustomerID: in.CustomerID, Month: in.Month, Units: 10, UnitPriceCents: 12, AmountCents: 120, Currency: "EUR",
	}}, nil
}

func (c *company) RequestPayment(ctx context.Context, in *payment.RequestPaymentInput) (*payment.RequestPaymentOutput, error) {
	// Failures as the generated HTTP client reports them: the declared
	// error type with the decoded problem body, marked permanent.
	if c.declined || (c.declineFrom != "" && in.Body.Month >= c.declineFrom) {
		detail := "the card of " + in.Body.CustomerID + " was declined for " + in.Body.Month
		return nil, service.Permanent(&payment.RequestPaymentError{StatusCode: 402, Message: "card declined",
			Body: &payment.Problem{Title: "Card declined", Status: 402, Detail: &detail}})
	}
	if c.invalid {
		return nil, service.Permanent(&payment.RequestPaymentError{StatusCode: 422, Message: "invalid payment",
			Body: &payment.Problem{Title: "Invalid payment", Status: 422}})
	}
	key := service.IdempotencyKey(ctx)
	if key == "" {
		return nil, service.Permanent(errors.New("no idempotency key"))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.charges[key] = in.Body.Month
	return &payment.RequestPaymentOutput{StatusCode: 201, Body: &payment.Payment{
		ID: "pay_" + in.Body.Month, CustomerID: in.Body.CustomerID, Month: in.Body.Month,
		AmountCents: in.Body.AmountCents, Currency: in.Body.Currency, Status: payment.PaymentStatusSucceeded,
	}}, nil
}

// CreateCharge accepts a charge and calls its outcome back twice with one
// delivery id: the second is a redelivery, which must not reach the
// workflow again.
func (c *company) CreateCharge(ctx context.Context, in *payment.CreateChargeInput) (*payment.CreateChargeOutput, error) {
	wf, key, ok := webhook.CallbackKey(ctx)
	if !ok {
		return nil, service.Permanent(errors.New("no callback key"))
	}
	outcome := &payment.PaymentOutcome{CustomerID: in.Body.CustomerID, Month: in.Body.Month, Status: payment.PaymentOutcomeStatusSucceeded}
	if c.declined || (c.declineFrom != "" && in.Body.Month >= c.declineFrom) {
		detail := "the card of " + in.Body.CustomerID + " was declined for " + in.Body.Month
		outcome.Status, outcome.Detail = payment.PaymentOutcomeStatusDeclined, &detail
	} else {
		id, amount, currency := "pay_"+in.Body.Month, in.Body.AmountCents, in.Body.Currency
		outcome.PaymentID, outcome.AmountCents, outcome.Currency = &id, &amount, &currency
		c.mu.Lock()
		c.charges[service.IdempotencyKey(ctx)] = in.Body.Month
		c.mu.Unlock()
	}
	if c.callbacks != nil {
		channel := webhook.CallbackSignal(payment.PaymentOutcomeSignal, key)
		for range 2 {
			if err := c.callbacks.SignalOnce(ctx, wf, channel, "delivery-"+key, outcome); err != nil {
				return nil, err
			}
			c.mu.Lock()
			c.deliveries++
			c.mu.Unlock()
		}
	}
	return &payment.CreateChargeOutput{StatusCode: 202, Body: &payment.Payment{ID: "pay_" + in.Body.Month,
		CustomerID: in.Body.CustomerID, Month: in.Body.Month, AmountCents: in.Body.AmountCents,
		Currency: in.Body.Currency, Status: payment.PaymentStatusPending}}, nil
}

func (c *company) CreateInvoice(_ context.Context, in *invoice.CreateInvoiceInput) (*invoice.CreateInvoiceOutput, error) {
	return &invoice.CreateInvoiceOutput{StatusCode: 201, Body: &invoice.Invoice{
		ID: "inv_" + in.Body.Month, Number: "INV-" + in.Body.Month, CustomerID: in.Body.CustomerID, Month: in.Body.Month,
		TotalCents: in.Body.Lines[0].AmountCents, Currency: in.Body.Currency,
	}}, nil
}

// VoidInvoice counts the voids of each invoice; a repeated idempotency key
// (a retry of a void that took effect) is answered without voiding again,
// as the real invoice server does.
func (c *company) VoidInvoice(ctx context.Context, in *invoice.VoidInvoiceInput) (*invoice.VoidInvoiceOutput, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.voidFaults > 0 {
		c.voidFaults--
		return nil, &invoice.VoidInvoiceError{StatusCode: 503, Message: "unavailable"}
	}
	key := service.IdempotencyKey(ctx)
	if _, seen := c.voidKeys[key]; !seen {
		c.voidKeys[key] = in.InvoiceID
		c.voids[in.InvoiceID]++
	}
	return &invoice.VoidInvoiceOutput{StatusCode: 204}, nil
}

func (c *company) SendEmail(_ context.Context, in *email.SendEmailInput) (*email.SendEmailOutput, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.emails = append(c.emails, string(in.Body.Kind))
	if in.Body.Kind == email.EmailKindPaymentFailed {
		c.notices = append(c.notices, in.Body.Body)
	}
	return &email.SendEmailOutput{StatusCode: 202, Body: &email.EmailReceipt{ID: fmt.Sprint("eml_", len(c.emails))}}, nil
}

func (c *company) Subscribe(_ context.Context, in *subscription.SubscribeRequest) (*subscription.Subscription, error) {
	return &subscription.Subscription{CustomerId: in.GetCustomerId(), Active: true}, nil
}

func (c *company) GetSubscription(_ context.Context, in *subscription.GetSubscriptionRequest) (*subscription.Subscription, error) {
	return &subscription.Subscription{CustomerId: in.GetCustomerId(), Active: !c.canceled}, nil
}

func (c *company) CancelSubscription(_ context.Context, in *subscription.CancelSubscriptionRequest) (*subscription.Subscription, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cancelled = append(c.cancelled, in.GetReason())
	return &subscription.Subscription{CustomerId: in.GetCustomerId(), CancelReason: in.GetReason()}, nil
}

// start runs the workflow for one customer on an in-memory runtime hosting
// c, and returns the client and the workflow id. opts adjust the input.
func start(t *testing.T, c *company, months int, month time.Duration, opts ...func(*monthly.Input)) (*client.Client, string) {
	t.Helper()
	rt, err := local.Open("")
	require.NoError(t, err)
	w, err := rt.NewWorker(worker.Options{})
	require.NoError(t, err)
	fast := worker.WithRetry(retry.Policy{MaxAttempts: 2, Initial: time.Millisecond})
	require.NoError(t, consumption.Register(w, c, fast))
	require.NoError(t, payment.Register(w, c, fast))
	require.NoError(t, invoice.Register(w, c, fast))
	require.NoError(t, email.Register(w, c, fast))
	require.NoError(t, subscription.Register(w, c, fast))
	require.NoError(t, w.RegisterWorkflow(monthly.Workflow))
	ctx := context.Background()
	require.NoError(t, w.Start(ctx))
	cl, err := rt.NewClient(ctx, func(o *client.Options) { o.PollInterval = 20 * time.Millisecond })
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = cl.Close()
		_ = w.Stop()
		_ = rt.Close()
	})
	in := monthly.Input{CustomerID: "cus_1", Email: "cus_1@example.com", FirstMonth: "2026-11", Months: months, MonthLength: month}
	for _, o := range opts {
		o(&in)
	}
	if !c.silent {
		c.callbacks = cl
	}
	id, err := client.StartRef(ctx, cl, monthly.Workflow, in, client.StartParams{ID: "cus_1"})
	require.NoError(t, err)
	return cl, id
}

func result(t *testing.T, cl *client.Client, id string) monthly.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := client.Result[monthly.Result](ctx, cl, id)
	require.NoError(t, err)
	return res
}

package monthly_test

import (
	"context"
	"errors"
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
	"github.com/infgen/infgen/runtime/failure"
	"github.com/infgen/infgen/runtime/retry"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflowtest"
)

func TestBillingChargesEveryMonthOnce(t *testing.T) {
	t.Parallel()
	c := newCompany()
	cl, id := start(t, c, 3, 10*time.Millisecond)
	res := result(t, cl, id)
	require.Equal(t, monthly.Result{
		CustomerID: "cus_1", Ended: monthly.EndedCompleted,
		Months:   []string{"2026-11", "2026-12", "2027-01"},
		Invoices: []string{"INV-2026-11", "INV-2026-12", "INV-2027-01"}, ChargedCents: 360,
	}, res)
	require.Len(t, c.charges, 3, "one idempotency key per month")
	require.Equal(t, []string{"invoice", "invoice", "invoice"}, c.emails)
	require.Empty(t, c.cancelled)
}

// TestBillingContinuesAsNew bills five months two per run: three runs, one
// result covering all five months, each month charged once, and the last
// run's history holding only its own month.
func TestBillingContinuesAsNew(t *testing.T) {
	t.Parallel()
	c := newCompany()
	cl, id := start(t, c, 5, 10*time.Millisecond, func(in *monthly.Input) { in.MonthsPerRun = 2 })
	res := result(t, cl, id)
	require.Equal(t, []string{"2026-11", "2026-12", "2027-01", "2027-02", "2027-03"}, res.Months)
	require.Equal(t, int64(600), res.ChargedCents)
	require.Len(t, c.charges, 5, "one idempotency key per month, across runs")
	d, err := cl.Describe(context.Background(), id)
	require.NoError(t, err)
	require.Equal(t, 3, d.Run)
	require.Less(t, d.Steps, 10, "the last run recorded one month's steps, not five")
}

func TestBillingCompensatesAFailedPayment(t *testing.T) {
	t.Parallel()
	c := newCompany()
	c.declined = true
	cl, id := start(t, c, 3, 10*time.Millisecond)
	res := result(t, cl, id)
	require.Equal(t, monthly.EndedPaymentFailed, res.Ended)
	require.Equal(t, "2026-11", res.FailedMonth)
	require.Empty(t, res.Months)
	require.Equal(t, []string{"payment_failed"}, c.emails, "the customer is told")
	require.Equal(t, []string{"We could not charge your card for 2026-11 (the card of cus_1 was declined for 2026-11). Your subscription is canceled."},
		c.notices, "why, from the 402's problem body")
	require.Equal(t, []string{"payment failed for 2026-11"}, c.cancelled, "and the subscription canceled")
	require.Equal(t, []string{"INV-2026-11"}, res.VoidedInvoices)
	require.Equal(t, map[string]int{"inv_2026-11": 1}, c.voids, "the saga voided the month's invoice")
}

// TestBillingCompensationRunsOncePerFailedMonth: the first month is billed,
// the second declined. The saga of the second month voids its invoice
// exactly once, through the compensation invoice.yaml declares, although
// the void fails twice first and is retried; the first month's invoice
// stays. The recorded history replays.
func TestBillingCompensationRunsOncePerFailedMonth(t *testing.T) {
	t.Parallel()
	c := newCompany()
	c.declineFrom, c.voidFaults = "2026-12", 2
	env := workflowtest.NewEnv(t, func(w *worker.Worker) error {
		fast := worker.WithRetry(retry.Policy{MaxAttempts: 5, Initial: time.Millisecond})
		for _, err := range []error{
			consumption.Register(w, c, fast), payment.Register(w, c, fast), invoice.Register(w, c, fast),
			email.Register(w, c, fast), subscription.Register(w, c, fast),
		} {
			if err != nil {
				return err
			}
		}
		return w.RegisterWorkflow(monthly.Workflow)
	})
	in := monthly.Input{CustomerID: "cus_1", Email: "cus_1@example.com", FirstMonth: "2026-11", Months: 3, MonthLength: 720 * time.Hour}
	res, err := workflowtest.ExecuteRef(env, monthly.Workflow, in, client.StartParams{ID: "cus_1"})
	require.NoError(t, err)
	require.Equal(t, monthly.EndedPaymentFailed, res.Ended)
	require.Equal(t, []string{"2026-11"}, res.Months)
	require.Equal(t, []string{"INV-2026-12"}, res.VoidedInvoices)
	require.Equal(t, map[string]int{"inv_2026-12": 1}, c.voids, "one void, of the failed month's invoice only")
	require.Zero(t, c.voidFaults, "the void was retried")
	require.Equal(t, []string{"invoice", "payment_failed"}, c.emails)

	state, err := env.Client.State(context.Background(), "cus_1")
	require.NoError(t, err)
	require.NoError(t, workflowtest.Replay(monthly.Workflow, state))
}

// TestBillingFailsOnOtherPaymentErrors has the payment API reject the
// request (422): not the customer's fault, so no compensation (the invoice
// stays, the subscription too); the workflow fails with the typed error for
// an operator to look at and retry the payment.
func TestBillingFailsOnOtherPaymentErrors(t *testing.T) {
	t.Parallel()
	c := newCompany()
	c.invalid = true
	cl, id := start(t, c, 3, 10*time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := client.Result[monthly.Result](ctx, cl, id)
	var te *failure.TaskError
	require.ErrorAs(t, err, &te)
	require.Equal(t, payment.ServiceName, te.Service)
	require.ErrorContains(t, err, "422")
	require.Empty(t, c.emails)
	require.Empty(t, c.cancelled, "the subscription stays")
	require.Empty(t, c.voids, "the invoice stays")
}

func TestBillingStopsWhenCanceledElsewhere(t *testing.T) {
	t.Parallel()
	c := newCompany()
	c.canceled = true
	cl, id := start(t, c, 3, 10*time.Millisecond)
	res := result(t, cl, id)
	require.Equal(t, monthly.EndedCanceled, res.Ended)
	require.Empty(t, c.charges)
}

func TestBillingStopsOnUnsubscribe(t *testing.T) {
	t.Parallel()
	c := newCompany()
	cl, id := start(t, c, 3, time.Hour) // the month never ends in this test
	_, err := cl.Signal(context.Background(), client.Target{ID: id}, monthly.UnsubscribeSignal, monthly.Unsubscribe{Reason: "too expensive"})
	require.NoError(t, err)
	res := result(t, cl, id)
	require.Equal(t, monthly.EndedUnsubscribed, res.Ended)
	require.Empty(t, c.charges)
	require.Equal(t, []string{"unsubscribed: too expensive"}, c.cancelled)
}

func TestBillingRejectsBadInput(t *testing.T) {
	t.Parallel()
	c := newCompany()
	cl, id := start(t, c, 0, time.Millisecond)
	_, err := client.Result[monthly.Result](context.Background(), cl, id)
	require.ErrorContains(t, err, "Input.Months and Input.MonthLength must be positive")
}

// TestBillingOverRealMonths runs fourteen real 30-day months on the virtual
// clock of workflowtest.Env: a year and two months of billing, continuing as
// new after twelve, in well under a second.
func TestBillingOverRealMonths(t *testing.T) {
	t.Parallel()
	c := newCompany()
	env := workflowtest.NewEnv(t, func(w *worker.Worker) error {
		return errors.Join(consumption.Register(w, c), payment.Register(w, c), invoice.Register(w, c),
			email.Register(w, c), subscription.Register(w, c), w.RegisterWorkflow(monthly.Workflow))
	}, workflowtest.WithStartTime(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)))
	start := env.Now()
	res, err := workflowtest.ExecuteRef(env, monthly.Workflow, monthly.Input{
		CustomerID: "cus_1", Email: "cus_1@example.com", FirstMonth: "2026-11", Months: 14, MonthLength: 30 * 24 * time.Hour,
	}, client.StartParams{ID: "cus_1"})
	require.NoError(t, err)
	require.Len(t, res.Months, 14)
	require.Equal(t, "2027-12", res.Months[13])
	require.Len(t, c.charges, 14, "one charge per month")
	require.GreaterOrEqual(t, env.Now().Sub(start), 14*30*24*time.Hour)
	d, err := env.Client.Describe(context.Background(), "cus_1")
	require.NoError(t, err)
	require.Equal(t, 2, d.Run, "continued as new after twelve months")
}

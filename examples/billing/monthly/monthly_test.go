package monthly_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/examples/billing/monthly"
	"github.com/infgen/infgen/runtime/client"
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
	require.Equal(t, []string{"payment failed for 2026-11"}, c.cancelled, "and the subscription canceled")
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

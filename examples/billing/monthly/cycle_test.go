package monthly_test

import (
	"context"
	"log/slog"
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
	"github.com/infgen/infgen/runtime/worker"
)

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// TestCycleFromASchedule bills the month just ended for every customer
// from a schedule that fires on the first of each month: one run per
// month, each customer charged once, a backfill of a billed month changes
// nothing.
func TestCycleFromASchedule(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newCompany()
	clk := &testClock{t: time.Date(2026, 11, 15, 12, 0, 0, 0, time.UTC)}
	rt, err := local.Open("")
	require.NoError(t, err)
	w, err := rt.NewWorker(worker.Options{Logger: slog.New(slog.DiscardHandler), Now: clk.Now, SchedulePoll: 10 * time.Millisecond})
	require.NoError(t, err)
	fast := worker.WithRetry(retry.Policy{MaxAttempts: 2, Initial: time.Millisecond})
	require.NoError(t, consumption.Register(w, c, fast))
	require.NoError(t, payment.Register(w, c, fast))
	require.NoError(t, invoice.Register(w, c, fast))
	require.NoError(t, email.Register(w, c, fast))
	require.NoError(t, subscription.Register(w, c, fast))
	require.NoError(t, w.RegisterWorkflow(monthly.Cycle))
	require.NoError(t, w.Start(ctx))
	cl, err := rt.NewClient(ctx, func(o *client.Options) { o.Now = clk.Now; o.PollInterval = 20 * time.Millisecond })
	require.NoError(t, err)
	t.Cleanup(func() { _ = cl.Close(); _ = w.Stop(); _ = rt.Close() })

	customers := []monthly.Customer{{CustomerID: "cus_1", Email: "a@example.com"}, {CustomerID: "cus_2", Email: "b@example.com"}}
	_, err = cl.CreateSchedule(ctx, client.ScheduleParams{ID: "billing-cycle", Workflow: monthly.CycleName,
		Input: monthly.CycleInput{Customers: customers}, Cron: monthly.CycleCron})
	require.NoError(t, err)

	cycle := func(at time.Time) monthly.CycleResult {
		t.Helper()
		clk.set(at)
		ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		id := "billing-cycle@" + at.Format(time.RFC3339)
		var res monthly.CycleResult
		require.Eventually(t, func() bool { _, err := cl.Describe(ctx, id); return err == nil }, 20*time.Second, 5*time.Millisecond,
			"the schedule did not start %s", id)
		res, err := client.Result[monthly.CycleResult](ctx, cl, id)
		require.NoError(t, err)
		return res
	}
	dec := cycle(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	require.Equal(t, "2026-11", dec.Month)
	require.Len(t, dec.Customers, 2)
	for _, r := range dec.Customers {
		require.Equal(t, monthly.EndedCompleted, r.Ended)
		require.Equal(t, []string{"2026-11"}, r.Months)
	}
	jan := cycle(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	require.Equal(t, "2026-12", jan.Month)
	require.Len(t, c.charges, 4, "two customers, two months: four charges")

	// Backfilling a billed month finds its run: no charge again.
	ids, err := cl.BackfillSchedule(ctx, "billing-cycle", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	require.Equal(t, []string{"billing-cycle@2026-12-01T00:00:00Z"}, ids)
	require.Len(t, c.charges, 4)
	require.Equal(t, []string{"invoice", "invoice", "invoice", "invoice"}, c.emails)
}

func TestMonthBefore(t *testing.T) {
	t.Parallel()
	m, err := monthly.MonthBefore("billing-cycle@2027-01-01T00:00:00Z")
	require.NoError(t, err)
	require.Equal(t, "2026-12", m)
	_, err = monthly.MonthBefore("cus_42")
	require.ErrorContains(t, err, "give CycleInput.Month")
}

// TestCycleDeclinedCard: a cycle whose payments are declined voids each
// customer's invoice (the month's saga), tells them and ends their
// subscription, and goes on with the next customer.
func TestCycleDeclinedCard(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newCompany()
	c.declined = true
	rt, err := local.Open("")
	require.NoError(t, err)
	w, err := rt.NewWorker(worker.Options{Logger: slog.New(slog.DiscardHandler), SchedulePoll: -1})
	require.NoError(t, err)
	fast := worker.WithRetry(retry.Policy{MaxAttempts: 2, Initial: time.Millisecond})
	require.NoError(t, consumption.Register(w, c, fast))
	require.NoError(t, payment.Register(w, c, fast))
	require.NoError(t, invoice.Register(w, c, fast))
	require.NoError(t, email.Register(w, c, fast))
	require.NoError(t, subscription.Register(w, c, fast))
	require.NoError(t, w.RegisterWorkflow(monthly.Cycle))
	require.NoError(t, w.Start(ctx))
	cl, err := rt.NewClient(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = cl.Close(); _ = w.Stop(); _ = rt.Close() })

	in := monthly.CycleInput{Month: "2026-11", Customers: []monthly.Customer{
		{CustomerID: "cus_1", Email: "a@example.com"}, {CustomerID: "cus_2", Email: "b@example.com"}}}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	res, err := client.ExecuteRef(ctx, cl, monthly.Cycle, in, client.StartParams{ID: "manual-2026-11"})
	require.NoError(t, err)
	require.Equal(t, "2026-11", res.Month)
	require.Len(t, res.Customers, 2)
	for _, r := range res.Customers {
		require.Equal(t, monthly.EndedPaymentFailed, r.Ended)
		require.Equal(t, "2026-11", r.FailedMonth)
		require.Len(t, r.VoidedInvoices, 1)
	}
	require.Len(t, c.notices, 2)
	require.Len(t, c.cancelled, 2)
}

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/examples/billing/gen/payment"
	"github.com/infgen/infgen/examples/billing/monthly"
)

// testConfig is a small, fast run.
func testConfig(t *testing.T, args ...string) config {
	t.Helper()
	cfg, err := parseFlags(append([]string{"-refresh", "20ms", "-timeout", "40s"}, args...), &bytes.Buffer{})
	require.NoError(t, err)
	return cfg
}

func runForTest(t *testing.T, cfg config) (*summary, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	var out bytes.Buffer
	sum, err := run(ctx, cfg, &out, false)
	require.NoError(t, err, out.String())
	return sum, out.String()
}

// TestRunBillsEveryMonthOnce runs the example with every role present:
// customers 1-3, 5, 6, 8, 9 stay, 4 unsubscribes, 7 is canceled elsewhere,
// 10's card is declined in the second month: that month's invoice is voided
// by the saga's compensation, exactly once.
func TestRunBillsEveryMonthOnce(t *testing.T) {
	t.Parallel()
	sum, out := runForTest(t, testConfig(t, "-customers", "10", "-months", "3", "-month", "1s"))
	require.True(t, sum.OK(), out)
	require.Equal(t, 10, sum.Completed, out)
	require.Equal(t, map[string]int{
		monthly.EndedCompleted: 7, monthly.EndedUnsubscribed: 1, monthly.EndedCanceled: 1, monthly.EndedPaymentFailed: 1,
	}, sum.Ended, out)
	// 7 customers × 3 months, plus the first month of the three who left.
	require.Equal(t, 24, sum.MonthsBilled, out)
	require.Equal(t, 24, sum.PaymentsCharged, out)
	require.Equal(t, 25, sum.Invoices, out) // 24 billed + the declined month's
	require.Equal(t, 1, sum.VoidedInvoices, out)
	require.Equal(t, 1, sum.WorkflowVoids, out)
	require.Zero(t, sum.DuplicateVoids, out)
	require.Equal(t, 49, sum.EmailsSent, out) // 24 invoices + 1 payment-failure notice + 24 receipts
	require.Equal(t, 1, sum.FailureNotices, out)
	require.Equal(t, 24, sum.Receipts, out, "one receipt per paid month, from the settled events")
	require.Equal(t, int64(25), sum.Callbacks, out, "every outcome, the declined one too, came through the webhook receiver")
	require.Zero(t, sum.DuplicateCharges, out)
	require.Contains(t, out, "OK: every billed month was charged, invoiced, emailed and receipted exactly once")
}

// TestRunWithFaultsRetriesWithoutDuplicates makes the servers fail 30% of
// requests (503, no answer, or an answer lost after the charge was made):
// the summary shows retries, and still every month is charged once.
func TestRunWithFaultsRetriesWithoutDuplicates(t *testing.T) {
	t.Parallel()
	sum, out := runForTest(t, testConfig(t, "-customers", "6", "-months", "3", "-month", "300ms", "-fail-rate", "0.3", "-churn=false"))
	require.True(t, sum.OK(), out)
	require.Equal(t, 6, sum.Completed, out)
	require.Equal(t, 18, sum.MonthsBilled, out)
	require.Equal(t, 18, sum.PaymentsCharged, out)
	require.Equal(t, 36, sum.EmailsSent, out) // invoices and receipts
	require.Equal(t, 18, sum.Receipts, out)
	require.GreaterOrEqual(t, sum.Callbacks, int64(18), out) // a charge retried after a lost reply calls back again
	require.Zero(t, sum.DuplicateCharges+sum.DuplicateInvoices+sum.DuplicateEmails+sum.DuplicateVoids, out)
	require.Positive(t, sum.FaultsInjected, out)
	require.Positive(t, sum.Retries, out)
}

// TestRunRedeliveredCallbacksSignalOnce has the payment server deliver
// every outcome twice with one delivery id (an acknowledgement lost): the
// receiver acknowledges both and signals once, so each workflow's history
// holds one outcome per charge, and each month one receipt.
func TestRunRedeliveredCallbacksSignalOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sum, out := runForTest(t, testConfig(t, "-customers", "3", "-months", "2", "-month", "300ms", "-churn=false", "-redeliver", "-histories", dir))
	require.True(t, sum.OK(), out)
	require.Equal(t, 6, sum.MonthsBilled, out)
	require.Equal(t, int64(12), sum.Callbacks, out)
	require.Equal(t, int64(6), sum.Redelivered, out)
	require.Equal(t, 6, sum.Receipts, out)
	for i := 1; i <= 3; i++ {
		raw, err := os.ReadFile(filepath.Join(dir, customerID(i)+".json"))
		require.NoError(t, err)
		require.Equal(t, 2, strings.Count(string(raw), `"channel": "`+payment.PaymentOutcomeSignal+"/"), "%s: one signal per month", customerID(i))
	}
}

func TestParseFlagsRejectsBadValues(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"-customers", "0"}, {"-fail-rate", "1"}, {"-month", "-1s"}, {"-first-month", "2026-13"}, {"-nope"},
		{"-role", "boss"}, {"-transport", "kafka"}, {"-role", "drive", "-ports", "18000"},
		{"-role", "work", "-transport", "pulsar"}, {"-transport", "pulsar", "-db", "x.db"}, {"-payment", "later"},
	} {
		var msg bytes.Buffer
		_, err := parseFlags(args, &msg)
		require.Error(t, err, args)
		require.NotEmpty(t, msg.String(), "%v explains itself", args)
	}
	cfg, err := parseFlags([]string{"-role", "drive", "-transport", "pulsar", "-ports", "18000"}, &bytes.Buffer{})
	require.NoError(t, err)
	require.Equal(t, 500*time.Millisecond, cfg.taskTimeout, "half a month by default")
}

// TestUnreachableBrokerIsAClearError starts against a Pulsar broker nobody
// listens on: run returns an error naming the address (no panic, no hang).
func TestUnreachableBrokerIsAClearError(t *testing.T) {
	t.Setenv("INFGEN_PULSAR_URL", "pulsar://127.0.0.1:1")
	t.Setenv("INFGEN_PULSAR_ADMIN_URL", "http://127.0.0.1:2")
	t.Setenv("INFGEN_POSTGRES_DSN", "")
	t.Setenv("INFGEN_REDIS_ADDR", "")
	t.Setenv("INFGEN_MYSQL_DSN", "")
	cfg, err := parseFlags([]string{"-transport", "pulsar", "-customers", "1"}, &bytes.Buffer{})
	require.NoError(t, err)
	_, err = run(t.Context(), cfg, &bytes.Buffer{}, false)
	require.ErrorContains(t, err, "INFGEN_POSTGRES_DSN", "no shared storage configured")

	t.Setenv("INFGEN_REDIS_ADDR", "127.0.0.1:1")
	_, err = run(t.Context(), cfg, &bytes.Buffer{}, false)
	require.Error(t, err)
	require.Contains(t, err.Error(), "127.0.0.1:", "the error names the unreachable server")
}

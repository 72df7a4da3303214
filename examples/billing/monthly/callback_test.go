package monthly_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/examples/billing/gen/payment"
	"github.com/infgen/infgen/examples/billing/monthly"
	"github.com/infgen/infgen/runtime/client"
)

func callbacks(in *monthly.Input) { in.Payment = monthly.PaymentCallback }

// TestBillingAwaitsThePaymentCallback charges with CreateCharge and takes
// each month's outcome from its callback, delivered twice with one delivery
// id: the workflow gets it once and bills every month once.
func TestBillingAwaitsThePaymentCallback(t *testing.T) {
	t.Parallel()
	c := newCompany()
	cl, id := start(t, c, 3, 10*time.Millisecond, callbacks)
	res := result(t, cl, id)
	require.Equal(t, monthly.EndedCompleted, res.Ended)
	require.Equal(t, []string{"2026-11", "2026-12", "2027-01"}, res.Months)
	require.Equal(t, int64(360), res.ChargedCents)
	require.Len(t, c.charges, 3)
	require.Equal(t, 6, c.deliveries, "each outcome delivered twice")
	require.Equal(t, 3, signalsReceived(t, cl, id), "a redelivery is not a second signal")
}

// TestBillingCompensatesADeclinedCallback: a declined outcome called back
// runs the month's saga compensation (the invoice is voided), like a 402.
func TestBillingCompensatesADeclinedCallback(t *testing.T) {
	t.Parallel()
	c := newCompany()
	c.declineFrom = "2026-12"
	cl, id := start(t, c, 3, 10*time.Millisecond, callbacks)
	res := result(t, cl, id)
	require.Equal(t, monthly.EndedPaymentFailed, res.Ended)
	require.Equal(t, []string{"2026-11"}, res.Months)
	require.Equal(t, "2026-12", res.FailedMonth)
	require.Equal(t, []string{"INV-2026-12"}, res.VoidedInvoices)
	require.Equal(t, map[string]int{"inv_2026-12": 1}, c.voids)
	require.Equal(t, []string{"We could not charge your card for 2026-12 (the card of cus_1 was declined for 2026-12). Your subscription is canceled."}, c.notices)
	require.Equal(t, []string{"payment failed for 2026-12"}, c.cancelled)
}

// TestBillingTimesOutWithoutACallback: no outcome within PaymentTimeout
// fails the workflow with a timeout, compensating nothing (the charge may
// still settle).
func TestBillingTimesOutWithoutACallback(t *testing.T) {
	t.Parallel()
	c := newCompany()
	c.silent = true // the provider never calls back
	cl, id := start(t, c, 1, 10*time.Millisecond, callbacks, func(in *monthly.Input) { in.PaymentTimeout = 50 * time.Millisecond })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := client.Result[monthly.Result](ctx, cl, id)
	require.ErrorContains(t, err, "no callback within 50ms")
	require.Empty(t, c.voids)
	require.Empty(t, c.cancelled)
}

// signalsReceived counts the payment outcomes the workflow's history
// recorded as signals.
func signalsReceived(t *testing.T, cl *client.Client, id string) int {
	t.Helper()
	raw, err := cl.State(context.Background(), id)
	require.NoError(t, err)
	var st struct {
		Batches []struct {
			Events []struct {
				Kind    string `json:"kind"`
				Channel string `json:"channel"`
			} `json:"events"`
		} `json:"batches"`
	}
	require.NoError(t, json.Unmarshal(raw, &st))
	n := 0
	for _, b := range st.Batches {
		for _, e := range b.Events {
			if e.Kind == "signal" && strings.HasPrefix(e.Channel, payment.PaymentOutcomeSignal+"/") {
				n++
			}
		}
	}
	return n
}

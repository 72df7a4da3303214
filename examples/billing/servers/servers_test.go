package servers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/examples/billing/gen/subscription"
	"github.com/infgen/infgen/runtime/service"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

func startServers(t *testing.T, cfg Config) *Servers {
	t.Helper()
	s, err := Start(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// pay posts a payment and returns the status code and decoded charge.
func pay(t *testing.T, client *http.Client, base, key, customer, month string) (int, Charge) {
	t.Helper()
	body, _ := json.Marshal(paymentRequest{CustomerID: customer, Month: month, AmountCents: 1234, Currency: "EUR"})
	req, err := http.NewRequest(http.MethodPost, base+"/payments", bytes.NewReader(body))
	require.NoError(t, err)
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var c Charge
	_ = json.NewDecoder(resp.Body).Decode(&c)
	return resp.StatusCode, c
}

func TestPaymentServerChargesOncePerKeyAndRevealsDuplicates(t *testing.T) {
	t.Parallel()
	s := startServers(t, Config{Declined: func(id, month string) bool { return id == "cus_bad" }})
	code, first := pay(t, http.DefaultClient, s.PaymentURL, "k1", "cus_1", "2026-01")
	require.Equal(t, http.StatusCreated, code)
	code, again := pay(t, http.DefaultClient, s.PaymentURL, "k1", "cus_1", "2026-01")
	require.Equal(t, http.StatusCreated, code)
	require.Equal(t, first, again, "a repeated key returns the original charge")
	require.Equal(t, LedgerStats{Records: 1, Replays: 1}, s.Stats().Payments)

	// A second key for the same customer and month is a double charge.
	code, _ = pay(t, http.DefaultClient, s.PaymentURL, "k2", "cus_1", "2026-01")
	require.Equal(t, http.StatusCreated, code)
	require.Equal(t, 1, s.Stats().Payments.Duplicates)
	require.Equal(t, map[string]int{"cus_1": 2}, s.ChargesByCustomer())

	code, _ = pay(t, http.DefaultClient, s.PaymentURL, "k3", "cus_bad", "2026-01")
	require.Equal(t, http.StatusPaymentRequired, code)
	code, _ = pay(t, http.DefaultClient, s.PaymentURL, "", "cus_1", "2026-02")
	require.Equal(t, http.StatusBadRequest, code)
	require.Equal(t, 2, s.Stats().Payments.Records)
}

func TestRecordsSurviveARestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := Start(Config{Dir: dir})
	require.NoError(t, err)
	_, first := pay(t, http.DefaultClient, s.PaymentURL, "k1", "cus_1", "2026-01")
	require.NoError(t, s.Close())

	// A torn last line (the process died while writing it) is dropped.
	f, err := os.OpenFile(filepath.Join(dir, "payments.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(`{"key":"k9","subj`)
	require.NoError(t, err)
	require.NoError(t, f.Close())

	s = startServers(t, Config{Dir: dir})
	_, again := pay(t, http.DefaultClient, s.PaymentURL, "k1", "cus_1", "2026-01")
	require.Equal(t, first.ID, again.ID, "the restarted server still knows the key")
	require.Equal(t, LedgerStats{Records: 1, Replays: 1}, s.Stats().Payments)
	_, next := pay(t, http.DefaultClient, s.PaymentURL, "k2", "cus_1", "2026-02")
	require.Equal(t, "pay_000002", next.ID)
}

// TestFaultsHappenAtTheRate: with every request faulted, some are answered
// 503 and some never; those whose reply was lost still charged, which is
// what the idempotency key makes safe to retry.
func TestFaultsHappenAtTheRate(t *testing.T) {
	t.Parallel()
	s := startServers(t, Config{FailRate: 1})
	client := &http.Client{Timeout: 100 * time.Millisecond}
	unavailable := 0
	for i := range 40 {
		body, _ := json.Marshal(paymentRequest{CustomerID: "cus_1", Month: "2026-01", AmountCents: 1, Currency: "EUR"})
		req, _ := http.NewRequest(http.MethodPost, s.PaymentURL+"/payments", bytes.NewReader(body))
		req.Header.Set("Idempotency-Key", fmt.Sprintf("k%d", i))
		resp, err := client.Do(req)
		if err == nil {
			require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
			_ = resp.Body.Close()
			unavailable++
		}
	}
	st := s.Stats()
	require.Equal(t, int64(40), st.FaultsInjected)
	require.Positive(t, unavailable)
	require.Positive(t, st.Payments.Records, "lost replies acted before hanging")
	require.Less(t, st.Payments.Records+unavailable, 40, "some requests timed out before acting")
}

func TestSubscriptionServerOverGRPC(t *testing.T) {
	t.Parallel()
	s := startServers(t, Config{})
	conn, err := grpc.NewClient(s.SubscriptionAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	c := subscription.NewGRPCClient(conn)
	ctx := context.Background()

	_, err = c.GetSubscription(ctx, &subscription.GetSubscriptionRequest{CustomerId: "cus_1"})
	require.Error(t, err)
	require.False(t, service.IsRetryable(err), "NOT_FOUND is permanent")

	sub, err := c.Subscribe(ctx, &subscription.SubscribeRequest{CustomerId: "cus_1", Plan: "metered", Email: "a@example.com"})
	require.NoError(t, err)
	require.True(t, sub.GetActive())
	sub, err = c.CancelSubscription(ctx, &subscription.CancelSubscriptionRequest{CustomerId: "cus_1", Reason: "moving"})
	require.NoError(t, err)
	require.False(t, sub.GetActive())
	sub, err = c.Subscribe(ctx, &subscription.SubscribeRequest{CustomerId: "cus_1", Plan: "metered", Email: "a@example.com"})
	require.NoError(t, err)
	require.False(t, sub.GetActive(), "subscribing again keeps a canceled subscription canceled")
	require.Equal(t, "moving", sub.GetCancelReason())

	flaky := startServers(t, Config{FailRate: 1})
	fconn, err := grpc.NewClient(flaky.SubscriptionAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = fconn.Close() })
	cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	_, err = subscription.NewGRPCClient(fconn).GetSubscription(cctx, &subscription.GetSubscriptionRequest{CustomerId: "cus_1"})
	require.Error(t, err)
	require.True(t, service.IsRetryable(err), "UNAVAILABLE and DEADLINE_EXCEEDED are retried: %v", err)
}

// TestStartOnABusyPortFails takes one server's port first: Start reports the
// port in use and closes the servers it had started (no panic, no leak).
func TestStartOnABusyPortFails(t *testing.T) {
	t.Parallel()
	for _, busy := range []int{0, 4} { // the first HTTP server, the gRPC server
		ln, port := listenAfterFreePorts(t, busy)
		_, err := Start(Config{BasePort: port - busy})
		require.Error(t, err)
		require.Contains(t, err.Error(), fmt.Sprint(port))
		require.NoError(t, ln.Close())
		for i := range busy {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port-busy+i))
			require.NoError(t, err, "server %d was left listening", i)
			require.NoError(t, l.Close())
		}
	}
}

// listenAfterFreePorts listens on a free port whose free ports lie just
// below it, so that the servers before the busy one can start (other
// processes take ports meanwhile: it looks again when one is taken).
func listenAfterFreePorts(t *testing.T, free int) (net.Listener, int) {
	t.Helper()
	for range 50 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		port := ln.Addr().(*net.TCPAddr).Port
		ok := port-free > 1024
		for i := 0; ok && i < free; i++ {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port-free+i))
			if err != nil {
				ok = false
				break
			}
			_ = l.Close()
		}
		if ok {
			return ln, port
		}
		_ = ln.Close()
	}
	t.Fatal("no free run of ports found")
	return nil, 0
}

// send makes a request with an Idempotency-Key and a JSON body (nil: none)
// and returns the status code.
func send(t *testing.T, method, url, key string, body any) (int, []byte) {
	t.Helper()
	var r *bytes.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		r = bytes.NewReader(data)
	} else {
		r = bytes.NewReader(nil)
	}
	req, err := http.NewRequest(method, url, r)
	require.NoError(t, err)
	req.Header.Set("Idempotency-Key", key)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out bytes.Buffer
	_, _ = out.ReadFrom(resp.Body)
	return resp.StatusCode, out.Bytes()
}

// TestInvoiceServerVoidsOncePerKeyAndRevealsDoubleVoids: voiding is the
// compensation of issuing an invoice; a repeated key is a replay, another
// key for the same invoice a duplicate (a compensation run twice).
func TestInvoiceServerVoidsOncePerKeyAndRevealsDoubleVoids(t *testing.T) {
	t.Parallel()
	s := startServers(t, Config{})
	code, body := send(t, http.MethodPost, s.InvoiceURL+"/invoices", "i1", invoiceRequest{
		CustomerID: "cus_1", Month: "2026-01", Currency: "EUR", Lines: []invoiceLine{{Description: "x", Quantity: 1, AmountCents: 5}},
	})
	require.Equal(t, http.StatusCreated, code, string(body))
	var inv Invoice
	require.NoError(t, json.Unmarshal(body, &inv))

	for range 2 {
		code, _ = send(t, http.MethodDelete, s.InvoiceURL+"/invoices/"+inv.ID, "v1", nil)
		require.Equal(t, http.StatusNoContent, code)
	}
	require.Equal(t, LedgerStats{Records: 1, Replays: 1}, s.Stats().Voids)
	code, _ = send(t, http.MethodDelete, s.InvoiceURL+"/invoices/"+inv.ID, "v2", nil)
	require.Equal(t, http.StatusNoContent, code)
	require.Equal(t, 1, s.Stats().Voids.Duplicates)

	code, _ = send(t, http.MethodDelete, s.InvoiceURL+"/invoices/inv_999999", "v3", nil)
	require.Equal(t, http.StatusNotFound, code)
}

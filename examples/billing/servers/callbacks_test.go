package servers

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// hookSink is a receiver standing for the webhook receiver: it checks the
// signature, records each delivery and fails the first ones when asked.
type hookSink struct {
	mu       sync.Mutex
	secret   []byte
	failures int // answer 503 to this many deliveries first
	got      []delivery
	bad      int // deliveries with a wrong signature
}

type delivery struct {
	id string
	o  outcome
}

func (h *hookSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	mac := hmac.New(sha256.New, h.secret)
	mac.Write(body)
	h.mu.Lock()
	defer h.mu.Unlock()
	if r.Header.Get("X-Signature") != "sha256="+hex.EncodeToString(mac.Sum(nil)) {
		h.bad++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if h.failures > 0 {
		h.failures--
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	var o outcome
	_ = json.Unmarshal(body, &o)
	h.got = append(h.got, delivery{r.Header.Get("X-Delivery-Id"), o})
	w.WriteHeader(http.StatusNoContent)
}

func (h *hookSink) deliveries() []delivery {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]delivery(nil), h.got...)
}

// charge posts to /charges and returns the status code.
func charge(t *testing.T, base, key, customer, month, callback string) int {
	t.Helper()
	body, _ := json.Marshal(chargeRequest{paymentRequest: paymentRequest{CustomerID: customer, Month: month, AmountCents: 1234, Currency: "EUR"}, CallbackURL: callback})
	req, err := http.NewRequest(http.MethodPost, base+"/charges", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Idempotency-Key", key)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	return resp.StatusCode
}

// TestChargesCallTheOutcomeBack: /charges answers 202 and calls back the
// outcome, signed, until acknowledged; a repeated key charges once and calls
// back again with the same delivery id; a declined card charges nothing.
func TestChargesCallTheOutcomeBack(t *testing.T) {
	t.Parallel()
	secret := []byte("s3cret")
	sink := &hookSink{secret: secret, failures: 2}
	hooks := httptest.NewServer(sink)
	t.Cleanup(hooks.Close)
	s := startServers(t, Config{CallbackSecret: secret, Declined: func(id, _ string) bool { return id == "cus_bad" }})

	require.Equal(t, http.StatusAccepted, charge(t, s.PaymentURL, "k1", "cus_1", "2026-01", hooks.URL+"/cb/1"))
	require.Equal(t, http.StatusAccepted, charge(t, s.PaymentURL, "k1", "cus_1", "2026-01", hooks.URL+"/cb/1"))
	require.Equal(t, http.StatusAccepted, charge(t, s.PaymentURL, "k2", "cus_bad", "2026-01", hooks.URL+"/cb/2"))
	require.Equal(t, http.StatusUnprocessableEntity, charge(t, s.PaymentURL, "k3", "cus_1", "2026-02", "not a url"))
	// The server counts a delivery once it has the sink's answer, after
	// the sink recorded it: wait for both.
	require.Eventually(t, func() bool { return len(sink.deliveries()) == 3 && s.Stats().Callbacks.Delivered == 3 },
		10*time.Second, 5*time.Millisecond)

	byID := map[string][]outcome{}
	for _, d := range sink.deliveries() {
		byID[d.id] = append(byID[d.id], d.o)
	}
	require.Len(t, byID["dlv_k1"], 2, "the repeated key called back again, with the same delivery id")
	require.Equal(t, "succeeded", byID["dlv_k1"][0].Status)
	require.Equal(t, "pay_000001", byID["dlv_k1"][0].PaymentID)
	require.Equal(t, "declined", byID["dlv_k2"][0].Status)
	require.Contains(t, byID["dlv_k2"][0].Detail, "declined")
	require.Equal(t, LedgerStats{Records: 1, Replays: 1}, s.Stats().Payments, "one charge; the declined card charged nothing")
	st := s.Stats().Callbacks
	require.Equal(t, int64(3), st.Delivered)
	require.Equal(t, int64(2), st.Failed, "the two 503s were retried")
	require.Zero(t, sink.bad)
}

// TestCallbacksSurviveARestart: the outcomes to call back are recorded and
// delivered again by a restarted server (the receiver deduplicates them by
// delivery id); with Redeliver each is sent once more after its ack.
func TestCallbacksSurviveARestart(t *testing.T) {
	t.Parallel()
	secret := []byte("s3cret")
	sink := &hookSink{secret: secret}
	hooks := httptest.NewServer(sink)
	t.Cleanup(hooks.Close)
	dir := t.TempDir()
	s, err := Start(Config{Dir: dir, CallbackSecret: secret})
	require.NoError(t, err)
	require.Equal(t, http.StatusAccepted, charge(t, s.PaymentURL, "k1", "cus_1", "2026-01", hooks.URL+"/cb/1"))
	require.Eventually(t, func() bool { return len(sink.deliveries()) == 1 }, 10*time.Second, 5*time.Millisecond)
	require.NoError(t, s.Close())

	s = startServers(t, Config{Dir: dir, CallbackSecret: secret, Redeliver: true})
	require.Eventually(t, func() bool { return len(sink.deliveries()) == 3 }, 10*time.Second, 5*time.Millisecond)
	for _, d := range sink.deliveries() {
		require.Equal(t, "dlv_k1", d.id)
	}
	require.Eventually(t, func() bool { return s.Stats().Callbacks.Redelivered == 1 }, 10*time.Second, 5*time.Millisecond)
}

package servers

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// outcome is the body of the paymentOutcome callback (payment.yaml).
type outcome struct {
	PaymentID   string `json:"paymentId,omitempty"`
	CustomerID  string `json:"customerId"`
	Month       string `json:"month"`
	Status      string `json:"status"` // succeeded or declined
	AmountCents int64  `json:"amountCents,omitempty"`
	Currency    string `json:"currency,omitempty"`
	Detail      string `json:"detail,omitempty"`
}

// CallbackStats counts the outcomes the payment server called back.
type CallbackStats struct {
	// Delivered counts the deliveries the receiver acknowledged (2xx),
	// redeliveries included; Redelivered those that repeated an
	// acknowledged delivery (Config.Redeliver).
	Delivered, Redelivered int64
	// Failed counts the attempts that got no 2xx (the receiver was down,
	// refused the signature, …): they are tried again, but after a 4xx.
	Failed int64
}

// caller delivers callbacks as a payment provider does: signed with
// HMAC-SHA256 (X-Signature), identified by X-Delivery-Id, sent again until
// the receiver acknowledges it, and, with redeliver, once more after that
// (a provider that lost the acknowledgement), to show that a redelivery
// reaches the workflow once.
type caller struct {
	secret    []byte
	redeliver bool
	client    *http.Client
	logger    *slog.Logger
	ctx       context.Context
	stop      context.CancelFunc
	wg        sync.WaitGroup

	delivered, redelivered, failed atomic.Int64

	mu      sync.Mutex
	journal *journal[pendingCallback] // the outcomes to call back, kept across restarts
	known   map[string]bool           // delivery ids in the journal
}

// pendingCallback is an outcome the payment server calls back.
type pendingCallback struct {
	URL        string          `json:"url"`
	DeliveryID string          `json:"deliveryId"`
	Body       json.RawMessage `json:"body"`
}

// newCaller opens the journal of callbacks at path ("" keeps none) and
// delivers again, in the background, every callback it holds: those a
// killed process may not have delivered (the receiver acknowledges the
// others without signalling again).
func newCaller(path string, secret []byte, redeliver bool, logger *slog.Logger) (*caller, error) {
	ctx, stop := context.WithCancel(context.Background())
	c := &caller{secret: secret, redeliver: redeliver, logger: logger, ctx: ctx, stop: stop,
		client: &http.Client{Timeout: 5 * time.Second}, known: map[string]bool{}}
	var pending []pendingCallback
	j, err := openJournal(path, func(p pendingCallback) { pending = append(pending, p) })
	if err != nil {
		stop()
		return nil, err
	}
	c.journal = j
	for _, p := range pending {
		if !c.known[p.DeliveryID] {
			c.known[p.DeliveryID] = true
			c.start(p.URL, p.DeliveryID, p.Body)
		}
	}
	return c, nil
}

// send delivers o to url in the background; deliveryID is the same for
// every delivery of one outcome.
func (c *caller) send(url, deliveryID string, o outcome) {
	body, err := json.Marshal(o)
	if err != nil {
		c.logger.Error("encode payment outcome", "err", err)
		return
	}
	c.mu.Lock()
	if !c.known[deliveryID] {
		if err := c.journal.Append(pendingCallback{URL: url, DeliveryID: deliveryID, Body: body}); err != nil {
			c.logger.Error("record payment callback", "err", err)
		}
		c.known[deliveryID] = true
	}
	c.mu.Unlock()
	c.start(url, deliveryID, body)
}

func (c *caller) start(url, deliveryID string, body []byte) {
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		if !c.deliver(url, deliveryID, body) || !c.redeliver {
			return
		}
		if c.deliver(url, deliveryID, body) {
			c.redelivered.Add(1)
		}
	}()
}

// deliver posts body until a 2xx (true), a refusal that no redelivery can
// change (4xx but 408 and 429: false) or close, backing off from 10ms to 1s.
func (c *caller) deliver(url, deliveryID string, body []byte) bool {
	wait := 10 * time.Millisecond
	for {
		code := c.post(url, deliveryID, body)
		if code/100 == 2 {
			c.delivered.Add(1)
			return true
		}
		c.failed.Add(1)
		if code/100 == 4 && code != http.StatusRequestTimeout && code != http.StatusTooManyRequests {
			c.logger.Warn("payment callback refused", "url", url, "status", code)
			return false
		}
		select {
		case <-c.ctx.Done():
			return false
		case <-time.After(wait):
		}
		wait = min(2*wait, time.Second)
	}
}

// post makes one delivery and returns the status (0: no answer).
func (c *caller) post(url, deliveryID string, body []byte) int {
	req, err := http.NewRequestWithContext(c.ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		c.logger.Error("payment callback", "url", url, "err", err)
		return 0
	}
	mac := hmac.New(sha256.New, c.secret)
	mac.Write(body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	req.Header.Set("X-Delivery-Id", deliveryID)
	resp, err := c.client.Do(req)
	if err != nil {
		return 0
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

func (c *caller) stats() CallbackStats {
	return CallbackStats{Delivered: c.delivered.Load(), Redelivered: c.redelivered.Load(), Failed: c.failed.Load()}
}

// close stops the deliveries in flight, waits for them and closes the
// journal.
func (c *caller) close() error {
	c.stop()
	c.wg.Wait()
	return c.journal.Close()
}

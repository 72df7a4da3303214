package servers

import (
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Charge is a payment the payment server made.
type Charge struct {
	ID          string    `json:"id"`
	CustomerID  string    `json:"customerId"`
	Month       string    `json:"month"`
	AmountCents int64     `json:"amountCents"`
	Currency    string    `json:"currency"`
	Status      string    `json:"status"`
	CreatedAt   time.Time `json:"createdAt"`
}

// paymentRequest is the body of POST /payments.
type paymentRequest struct {
	CustomerID  string `json:"customerId"`
	Month       string `json:"month"`
	AmountCents int64  `json:"amountCents"`
	Currency    string `json:"currency"`
	Description string `json:"description"`
}

// chargeRequest is the body of POST /charges.
type chargeRequest struct {
	paymentRequest
	CallbackURL string `json:"callbackUrl"`
}

// paymentServer charges cards, once per Idempotency-Key.
type paymentServer struct {
	charges  *ledger[Charge]
	declined func(customerID, month string) bool
	callback *caller
}

func (s *paymentServer) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /payments", s.request)
	mux.HandleFunc("POST /charges", s.charge)
	return mux
}

// charge accepts a charge (202) and calls its outcome back: succeeded (the
// charge is made, once per Idempotency-Key) or declined (nothing charged).
// A repeated key is accepted again and calls back again, with the same
// delivery id: the receiver acknowledges it without a second signal.
func (s *paymentServer) charge(w http.ResponseWriter, r *http.Request) {
	key, ok := idempotencyKey(w, r)
	if !ok {
		return
	}
	var in chargeRequest
	if !decodeBody(w, r, &in) {
		return
	}
	if !s.valid(w, in.paymentRequest) {
		return
	}
	if u, err := url.Parse(in.CallbackURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		writeProblem(w, http.StatusUnprocessableEntity, "Invalid charge", "an absolute http(s) callbackUrl is required")
		return
	}
	delivery := "dlv_" + key
	if s.declined != nil && s.declined(in.CustomerID, in.Month) {
		writeJSON(w, http.StatusAccepted, Charge{CustomerID: in.CustomerID, Month: in.Month, AmountCents: in.AmountCents,
			Currency: in.Currency, Status: "pending", CreatedAt: time.Now().UTC()})
		s.callback.send(in.CallbackURL, delivery, outcome{CustomerID: in.CustomerID, Month: in.Month, Status: "declined",
			Detail: fmt.Sprintf("the card of %s was declined for %s", in.CustomerID, in.Month)})
		return
	}
	c, ok := s.record(w, key, in.paymentRequest)
	if !ok {
		return
	}
	pending := c
	pending.Status = "pending"
	writeJSON(w, http.StatusAccepted, pending)
	s.callback.send(in.CallbackURL, delivery, outcome{PaymentID: c.ID, CustomerID: c.CustomerID, Month: c.Month,
		Status: c.Status, AmountCents: c.AmountCents, Currency: c.Currency})
}

// valid answers 422 for an invalid payment request.
func (s *paymentServer) valid(w http.ResponseWriter, in paymentRequest) bool {
	if in.CustomerID == "" || !monthPattern.MatchString(in.Month) || in.AmountCents <= 0 || in.Currency == "" {
		writeProblem(w, http.StatusUnprocessableEntity, "Invalid payment", "customerId, month (YYYY-MM), a positive amountCents and currency are required")
		return false
	}
	return true
}

// record charges once per key, answering 503 when the ledger fails.
func (s *paymentServer) record(w http.ResponseWriter, key string, in paymentRequest) (Charge, bool) {
	c, _, err := s.charges.do(key, in.CustomerID+"/"+in.Month, func(n int) Charge {
		return Charge{
			ID: fmt.Sprintf("pay_%06d", n), CustomerID: in.CustomerID, Month: in.Month,
			AmountCents: in.AmountCents, Currency: in.Currency, Status: "succeeded", CreatedAt: time.Now().UTC(),
		}
	})
	if err != nil {
		writeProblem(w, http.StatusServiceUnavailable, "Ledger unavailable", err.Error())
		return c, false
	}
	return c, true
}

func (s *paymentServer) request(w http.ResponseWriter, r *http.Request) {
	key, ok := idempotencyKey(w, r)
	if !ok {
		return
	}
	var in paymentRequest
	if !decodeBody(w, r, &in) {
		return
	}
	if !s.valid(w, in) {
		return
	}
	if s.declined != nil && s.declined(in.CustomerID, in.Month) {
		writeProblem(w, http.StatusPaymentRequired, "Card declined", fmt.Sprintf("the card of %s was declined for %s", in.CustomerID, in.Month))
		return
	}
	c, ok := s.record(w, key, in)
	if !ok {
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

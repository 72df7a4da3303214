package servers

import (
	"fmt"
	"net/http"
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

// paymentServer charges cards, once per Idempotency-Key.
type paymentServer struct {
	charges  *ledger[Charge]
	declined func(customerID, month string) bool
}

func (s *paymentServer) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /payments", s.request)
	return mux
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
	if in.CustomerID == "" || !monthPattern.MatchString(in.Month) || in.AmountCents <= 0 || in.Currency == "" {
		writeProblem(w, http.StatusUnprocessableEntity, "Invalid payment", "customerId, month (YYYY-MM), a positive amountCents and currency are required")
		return
	}
	if s.declined != nil && s.declined(in.CustomerID, in.Month) {
		writeProblem(w, http.StatusPaymentRequired, "Card declined", fmt.Sprintf("the card of %s was declined for %s", in.CustomerID, in.Month))
		return
	}
	c, _, err := s.charges.do(key, in.CustomerID+"/"+in.Month, func(n int) Charge {
		return Charge{
			ID: fmt.Sprintf("pay_%06d", n), CustomerID: in.CustomerID, Month: in.Month,
			AmountCents: in.AmountCents, Currency: in.Currency, Status: "succeeded", CreatedAt: time.Now().UTC(),
		}
	})
	if err != nil {
		writeProblem(w, http.StatusServiceUnavailable, "Ledger unavailable", err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

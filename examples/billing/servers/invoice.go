package servers

import (
	"fmt"
	"net/http"
	"time"
)

// Invoice is an invoice the invoice server issued.
type Invoice struct {
	ID         string    `json:"id"`
	Number     string    `json:"number"`
	CustomerID string    `json:"customerId"`
	Month      string    `json:"month"`
	PaymentID  string    `json:"paymentId"`
	TotalCents int64     `json:"totalCents"`
	Currency   string    `json:"currency"`
	IssuedAt   time.Time `json:"issuedAt"`
}

type invoiceLine struct {
	Description    string `json:"description"`
	Quantity       int64  `json:"quantity"`
	UnitPriceCents int64  `json:"unitPriceCents"`
	AmountCents    int64  `json:"amountCents"`
}

// invoiceRequest is the body of POST /invoices.
type invoiceRequest struct {
	CustomerID string        `json:"customerId"`
	Month      string        `json:"month"`
	PaymentID  string        `json:"paymentId"`
	Currency   string        `json:"currency"`
	Lines      []invoiceLine `json:"lines"`
}

// invoiceServer issues sequentially numbered invoices, once per
// Idempotency-Key.
type invoiceServer struct {
	invoices *ledger[Invoice]
}

func (s *invoiceServer) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /invoices", s.create)
	return mux
}

func (s *invoiceServer) create(w http.ResponseWriter, r *http.Request) {
	key, ok := idempotencyKey(w, r)
	if !ok {
		return
	}
	var in invoiceRequest
	if !decodeBody(w, r, &in) {
		return
	}
	if in.CustomerID == "" || in.PaymentID == "" || !monthPattern.MatchString(in.Month) || len(in.Lines) == 0 {
		writeProblem(w, http.StatusUnprocessableEntity, "Invalid invoice", "customerId, month (YYYY-MM), paymentId and at least one line are required")
		return
	}
	var total int64
	for _, l := range in.Lines {
		total += l.AmountCents
	}
	inv, _, err := s.invoices.do(key, in.CustomerID+"/"+in.Month, func(n int) Invoice {
		return Invoice{
			ID: fmt.Sprintf("inv_%06d", n), Number: fmt.Sprintf("INV-%06d", n), CustomerID: in.CustomerID,
			Month: in.Month, PaymentID: in.PaymentID, TotalCents: total, Currency: in.Currency, IssuedAt: time.Now().UTC(),
		}
	})
	if err != nil {
		writeProblem(w, http.StatusServiceUnavailable, "Ledger unavailable", err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, inv)
}

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
	PaymentID  string    `json:"paymentId,omitempty"`
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
	PaymentID  string        `json:"paymentId,omitempty"`
	Currency   string        `json:"currency"`
	Lines      []invoiceLine `json:"lines"`
}

// Void records that an invoice was voided.
type Void struct {
	InvoiceID string    `json:"invoiceId"`
	Number    string    `json:"number"`
	VoidedAt  time.Time `json:"voidedAt"`
}

// invoiceServer issues sequentially numbered invoices, once per
// Idempotency-Key, and voids them (the compensation of issuing one when its
// payment fails), once per Idempotency-Key: the voids ledger's subject is
// the invoice, so an invoice voided twice shows as a duplicate.
type invoiceServer struct {
	invoices *ledger[Invoice]
	voids    *ledger[Void]
}

func (s *invoiceServer) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /invoices", s.create)
	mux.HandleFunc("DELETE /invoices/{invoiceId}", s.void)
	return mux
}

func (s *invoiceServer) void(w http.ResponseWriter, r *http.Request) {
	key, ok := idempotencyKey(w, r)
	if !ok {
		return
	}
	id := r.PathValue("invoiceId")
	inv, found := s.invoices.find(func(inv Invoice) bool { return inv.ID == id })
	if !found {
		writeProblem(w, http.StatusNotFound, "No such invoice", id)
		return
	}
	if _, _, err := s.voids.do(key, id, func(int) Void {
		return Void{InvoiceID: id, Number: inv.Number, VoidedAt: time.Now().UTC()}
	}); err != nil {
		writeProblem(w, http.StatusServiceUnavailable, "Ledger unavailable", err.Error())
		return
	}
	w.WriteHeader(http.StatusNoContent)
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
	if in.CustomerID == "" || !monthPattern.MatchString(in.Month) || len(in.Lines) == 0 {
		writeProblem(w, http.StatusUnprocessableEntity, "Invalid invoice", "customerId, month (YYYY-MM) and at least one line are required")
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

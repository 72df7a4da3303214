package servers

import (
	"fmt"
	"net/http"
	"net/mail"
	"time"
)

// Email is an email the email server sent.
type Email struct {
	ID         string    `json:"id"`
	To         string    `json:"to"`
	Subject    string    `json:"subject"`
	Kind       string    `json:"kind"`
	InvoiceID  string    `json:"invoiceId,omitempty"`
	AcceptedAt time.Time `json:"acceptedAt"`
}

// emailRequest is the body of POST /emails.
type emailRequest struct {
	To        string `json:"to"`
	Subject   string `json:"subject"`
	Kind      string `json:"kind"`
	Body      string `json:"body"`
	InvoiceID string `json:"invoiceId"`
}

type emailReceipt struct {
	ID         string    `json:"id"`
	AcceptedAt time.Time `json:"acceptedAt"`
}

// emailServer "sends" emails (records them), once per Idempotency-Key.
type emailServer struct {
	emails *ledger[Email]
}

func (s *emailServer) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /emails", s.send)
	return mux
}

func (s *emailServer) send(w http.ResponseWriter, r *http.Request) {
	key, ok := idempotencyKey(w, r)
	if !ok {
		return
	}
	var in emailRequest
	if !decodeBody(w, r, &in) {
		return
	}
	if _, err := mail.ParseAddress(in.To); err != nil || in.Subject == "" || (in.Kind != "invoice" && in.Kind != "payment_failed" && in.Kind != "receipt") {
		writeProblem(w, http.StatusUnprocessableEntity, "Invalid email", "a valid to address, a subject and kind invoice, payment_failed or receipt are required")
		return
	}
	e, _, err := s.emails.do(key, in.To+"/"+in.Subject, func(n int) Email {
		return Email{ID: fmt.Sprintf("eml_%06d", n), To: in.To, Subject: in.Subject, Kind: in.Kind, InvoiceID: in.InvoiceID, AcceptedAt: time.Now().UTC()}
	})
	if err != nil {
		writeProblem(w, http.StatusServiceUnavailable, "Outbox unavailable", err.Error())
		return
	}
	writeJSON(w, http.StatusAccepted, emailReceipt{ID: e.ID, AcceptedAt: e.AcceptedAt})
}

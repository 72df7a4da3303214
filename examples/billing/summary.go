package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/infgen/infgen/examples/billing/monthly"
	"github.com/infgen/infgen/runtime/client"
)

// summary is the outcome of a run, checked. Counts of what the servers did
// cover every run that shared the state file; Retries and FaultsInjected
// cover this run only.
type summary struct {
	Customers int `json:"customers"`
	// Completed counts the workflows that completed (whatever way the
	// customer left); the others are listed in Problems.
	Completed int `json:"completed"`
	// Ended counts completed workflows by how they ended.
	Ended map[string]int `json:"ended"`
	// MonthsBilled is the total of months the workflows report billed.
	MonthsBilled int `json:"monthsBilled"`
	// PaymentsCharged counts distinct charges at the payment server, and
	// ChargedCents their total.
	PaymentsCharged int   `json:"paymentsCharged"`
	ChargedCents    int64 `json:"chargedCents"`
	// BilledCents is the total the workflows report charged; it equals
	// ChargedCents once all have completed.
	BilledCents int64 `json:"billedCents"`
	// DuplicateCharges counts customer-months charged more than once (must be 0).
	DuplicateCharges int `json:"duplicateCharges"`
	// DuplicateInvoices and DuplicateEmails likewise (must be 0).
	DuplicateInvoices int `json:"duplicateInvoices"`
	DuplicateEmails   int `json:"duplicateEmails"`
	// Invoices counts the invoices issued, VoidedInvoices those voided
	// since (the saga's compensation of a declined payment: one per
	// failed month) and DuplicateVoids the invoices voided more than once
	// (must be 0).
	Invoices       int `json:"invoices"`
	VoidedInvoices int `json:"voidedInvoices"`
	DuplicateVoids int `json:"duplicateVoids"`
	// WorkflowVoids is the total of voided invoices the workflows report.
	WorkflowVoids int `json:"workflowVoids"`
	// EmailsSent counts invoice emails and payment-failure notices.
	EmailsSent     int `json:"emailsSent"`
	FailureNotices int `json:"failureNotices"`
	// Receipts counts the receipts the events subscriber emailed (one per
	// billing.payment.settled event, so one per paid month).
	Receipts int `json:"receipts"`
	// Callbacks counts the payment outcomes the payment server called back
	// and the receiver acknowledged in this run, Redelivered those sent
	// again after an acknowledgement (-redeliver).
	Callbacks   int64 `json:"callbacks"`
	Redelivered int64 `json:"redelivered"`
	// Resumed is true when the run resumed a state file: events the
	// embedded transport held in memory when the earlier process died are
	// lost, so a month's receipt may be missing (never doubled).
	Resumed bool `json:"resumed,omitempty"`
	// Retries counts service calls made on a task's second or later attempt,
	// by the workers of this process (none with -role drive: RetriesElsewhere).
	Retries          int64 `json:"retries"`
	RetriesElsewhere bool  `json:"retriesElsewhere,omitempty"`
	// IdempotentReplays counts requests the servers answered from their
	// records because an earlier attempt had already taken effect.
	IdempotentReplays int64 `json:"idempotentReplays"`
	FaultsInjected    int64 `json:"faultsInjected"`
	// Problems lists every failed check; empty means the run is correct.
	Problems []string      `json:"problems"`
	Elapsed  time.Duration `json:"elapsed"`
}

// OK reports whether every check passed.
func (s *summary) OK() bool { return len(s.Problems) == 0 }

func (s *summary) problemf(format string, args ...any) {
	s.Problems = append(s.Problems, fmt.Sprintf(format, args...))
}

// summarize reads the workflows' results and the servers' records and
// cross-checks them: every workflow completed, every billed month charged,
// invoiced and emailed exactly once, nothing charged that was not billed.
func (a *app) summarize(ctx context.Context, ids []string, elapsed time.Duration) (*summary, error) {
	st := a.servers.Stats()
	charges := a.servers.ChargesByCustomer()
	s := &summary{
		Customers: len(ids), Ended: map[string]int{}, Problems: []string{},
		DuplicateCharges: st.Payments.Duplicates, DuplicateInvoices: st.Invoices.Duplicates, DuplicateEmails: st.Emails.Duplicates,
		Invoices: st.Invoices.Records, EmailsSent: st.Emails.Records, FailureNotices: st.FailureEmails,
		VoidedInvoices: st.Voids.Records, DuplicateVoids: st.Voids.Duplicates,
		Retries:           a.attempts.retries.Load(),
		RetriesElsewhere:  a.cfg.role == roleDrive,
		IdempotentReplays: st.Payments.Replays + st.Invoices.Replays + st.Emails.Replays + st.Voids.Replays,
		FaultsInjected:    st.FaultsInjected, Elapsed: elapsed.Round(time.Millisecond),
		ChargedCents: a.servers.ChargedCents(ids),
		Receipts:     st.Receipts, Callbacks: st.Callbacks.Delivered, Redelivered: st.Callbacks.Redelivered,
		Resumed: a.resumed,
	}
	receipts := a.servers.Receipts()
	for _, id := range ids {
		s.PaymentsCharged += charges[id]
		d, err := a.client.Describe(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("describe workflow %s: %w", id, err)
		}
		if !d.Status.Terminal() {
			s.problemf("workflow %s is still %s", id, d.Status)
			continue
		}
		o, err := a.client.Await(ctx, id) // finished: returns at once
		if err != nil {
			return nil, fmt.Errorf("read the outcome of %s: %w", id, err)
		}
		if o.Status != client.Completed {
			s.problemf("workflow %s %s: %v", id, o.Status, o.Err)
			continue
		}
		var r monthly.Result
		if err := json.Unmarshal(o.Output, &r); err != nil {
			return nil, fmt.Errorf("decode result of %s: %w", id, err)
		}
		s.Completed++
		s.Ended[r.Ended]++
		s.MonthsBilled += len(r.Months)
		s.WorkflowVoids += len(r.VoidedInvoices)
		s.BilledCents += r.ChargedCents
		if charges[id] != len(r.Months) {
			s.problemf("%s: billed %d month(s) but charged %d time(s)", id, len(r.Months), charges[id])
		}
		for _, m := range r.Months {
			if n := receipts[customerEmail(id)+"/"+monthly.ReceiptSubject(m)]; n > 1 || (n == 0 && !s.Resumed) {
				s.problemf("%s: %d receipt(s) for %s, want 1", id, n, m)
			}
		}
	}
	s.check(st.InvoiceEmails)
	return s, nil
}

// check adds the problems visible in the totals.
func (s *summary) check(invoiceEmails int) {
	if s.DuplicateCharges+s.DuplicateInvoices+s.DuplicateEmails+s.DuplicateVoids > 0 {
		s.problemf("duplicates: %d charge(s), %d invoice(s), %d email(s), %d void(s)", s.DuplicateCharges, s.DuplicateInvoices, s.DuplicateEmails, s.DuplicateVoids)
	}
	if s.Completed < s.Customers {
		s.problemf("%d of %d workflows did not complete", s.Customers-s.Completed, s.Customers)
	}
	if s.Completed == s.Customers {
		if s.Invoices-s.VoidedInvoices != s.MonthsBilled || invoiceEmails != s.MonthsBilled {
			s.problemf("%d month(s) billed but %d invoice(s) not voided and %d invoice email(s)", s.MonthsBilled, s.Invoices-s.VoidedInvoices, invoiceEmails)
		}
		if s.BilledCents != s.ChargedCents {
			s.problemf("the workflows billed %s but the payment server charged %s", monthlyMoney(s.BilledCents), monthlyMoney(s.ChargedCents))
		}
		if s.FailureNotices != s.Ended[monthly.EndedPaymentFailed] {
			s.problemf("%d payment(s) failed but %d notice(s) sent", s.Ended[monthly.EndedPaymentFailed], s.FailureNotices)
		}
		if failed := s.Ended[monthly.EndedPaymentFailed]; s.VoidedInvoices != failed || s.WorkflowVoids != failed {
			s.problemf("%d payment(s) failed but %d invoice(s) voided (%d reported by the workflows): want one compensation per failed month", failed, s.VoidedInvoices, s.WorkflowVoids)
		}
	}
}

func (s *summary) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}

func (s *summary) writeText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "\nsummary (%s)\n", s.Elapsed)
	row := func(name string, v any) { fmt.Fprintf(&b, "  %-22s %v\n", name, v) }
	row("workflows completed", fmt.Sprintf("%d/%d (%s)", s.Completed, s.Customers, endedText(s.Ended)))
	row("months billed", s.MonthsBilled)
	row("payments charged", fmt.Sprintf("%d (%s)", s.PaymentsCharged, monthlyMoney(s.ChargedCents)))
	row("duplicate charges", s.DuplicateCharges)
	row("invoices", fmt.Sprintf("%d (%d voided by the saga's compensation)", s.Invoices, s.VoidedInvoices))
	row("emails sent", fmt.Sprintf("%d (%d payment-failure notices, %d receipts from events)", s.EmailsSent, s.FailureNotices, s.Receipts))
	row("payment callbacks", fmt.Sprintf("%d (%d redelivered)", s.Callbacks, s.Redelivered))
	retries := fmt.Sprint(s.Retries)
	if s.RetriesElsewhere {
		retries = "counted by the worker processes"
	}
	row("retries", fmt.Sprintf("%s (faults injected %d, idempotent replays %d)", retries, s.FaultsInjected, s.IdempotentReplays))
	if s.OK() {
		b.WriteString("OK: every billed month was charged, invoiced, emailed and receipted exactly once\n")
	} else {
		b.WriteString("FAILED:\n")
		for _, p := range s.Problems {
			fmt.Fprintf(&b, "  - %s\n", p)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func endedText(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d %s", m[k], strings.ReplaceAll(k, "_", " "))
	}
	return strings.Join(parts, ", ")
}

func monthlyMoney(cents int64) string { return fmt.Sprintf("%d.%02d EUR", cents/100, cents%100) }

package servers

// Stats is what the servers did, over every run that shared their record
// directory.
type Stats struct {
	// Payments, Invoices and Emails count the distinct operations, their
	// duplicates (must be 0) and the repeated requests answered from the
	// records (retries of requests that had taken effect).
	Payments, Invoices, Emails LedgerStats
	// Voids counts the invoices voided (the compensation of a declined
	// payment); its Duplicates count invoices voided more than once.
	Voids LedgerStats
	// InvoiceEmails, FailureEmails and Receipts split Emails.Records by kind.
	InvoiceEmails, FailureEmails, Receipts int
	// Callbacks counts the payment outcomes called back in this run.
	Callbacks CallbackStats
	// ConsumptionRequests counts metering reads in this run.
	ConsumptionRequests int64
	// ActiveSubscriptions and CanceledSubscriptions count subscriptions.
	ActiveSubscriptions, CanceledSubscriptions int
	// FaultsInjected counts the requests answered with a fault in this run.
	FaultsInjected int64
}

// Stats returns what the servers did so far.
func (s *Servers) Stats() Stats {
	st := Stats{
		Payments: s.payment.charges.stats(), Invoices: s.invoice.invoices.stats(), Emails: s.email.emails.stats(),
		Voids:               s.invoice.voids.stats(),
		ConsumptionRequests: s.consumption.requests.Load(), FaultsInjected: s.faults.injected.Load(),
		Callbacks: s.payment.callback.stats(),
	}
	s.email.emails.each(func(_ string, e Email) {
		switch e.Kind {
		case "invoice":
			st.InvoiceEmails++
		case "receipt":
			st.Receipts++
		default:
			st.FailureEmails++
		}
	})
	st.ActiveSubscriptions, st.CanceledSubscriptions = s.subscription.counts()
	return st
}

// ChargesByCustomer returns how many months each customer was charged for.
func (s *Servers) ChargesByCustomer() map[string]int {
	out := map[string]int{}
	s.payment.charges.each(func(_ string, c Charge) { out[c.CustomerID]++ })
	return out
}

// ChargedCents returns the total charged to the given customers.
func (s *Servers) ChargedCents(customers []string) int64 {
	want := make(map[string]bool, len(customers))
	for _, c := range customers {
		want[c] = true
	}
	var total int64
	s.payment.charges.each(func(_ string, c Charge) {
		if want[c.CustomerID] {
			total += c.AmountCents
		}
	})
	return total
}

// Receipts returns how many receipts were sent, by address and subject
// ("cus_0001@example.com/Receipt for 2026-01").
func (s *Servers) Receipts() map[string]int {
	out := map[string]int{}
	s.email.emails.each(func(_ string, e Email) {
		if e.Kind == "receipt" {
			out[e.To+"/"+e.Subject]++
		}
	})
	return out
}

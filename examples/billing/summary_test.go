package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/examples/billing/monthly"
)

// good is a consistent summary of 2 customers billed 3 months each.
func good() *summary {
	return &summary{
		Customers: 2, Completed: 2, Ended: map[string]int{monthly.EndedCompleted: 2},
		MonthsBilled: 6, PaymentsCharged: 6, Invoices: 6, EmailsSent: 6,
		ChargedCents: 600, BilledCents: 600, Problems: []string{},
	}
}

func TestSummaryChecksCatchInconsistencies(t *testing.T) {
	t.Parallel()
	s := good()
	s.check(6)
	require.True(t, s.OK(), s.Problems)

	cases := map[string]func(s *summary) int{
		"duplicates: 1 charge(s)":                       func(s *summary) int { s.DuplicateCharges = 1; return 6 },
		"1 of 2 workflows did not complete":             func(s *summary) int { s.Completed = 1; return 6 },
		"6 month(s) billed but 5 invoice(s) not voided": func(s *summary) int { s.Invoices = 5; return 6 },
		"1 void(s)": func(s *summary) int { s.DuplicateVoids = 1; return 6 },
		"1 payment(s) failed but 0 invoice(s) voided (1 reported": func(s *summary) int {
			s.Ended[monthly.EndedPaymentFailed], s.FailureNotices, s.WorkflowVoids = 1, 1, 1
			return 6
		},
		"1 payment(s) failed but 2 invoice(s) voided": func(s *summary) int {
			s.Ended[monthly.EndedPaymentFailed], s.FailureNotices, s.WorkflowVoids, s.VoidedInvoices, s.Invoices = 1, 1, 1, 2, 8
			return 6
		},
		"and 7 invoice email(s)":              func(s *summary) int { return 7 },
		"billed 6.00 EUR but the payment":     func(s *summary) int { s.ChargedCents = 700; return 6 },
		"1 payment(s) failed but 0 notice(s)": func(s *summary) int { s.Ended[monthly.EndedPaymentFailed] = 1; return 6 },
	}
	for want, spoil := range cases {
		s := good()
		s.check(spoil(s))
		require.False(t, s.OK(), want)
		require.Contains(t, s.Problems[0], want)
		var out bytes.Buffer
		require.NoError(t, s.writeText(&out))
		require.Contains(t, out.String(), "FAILED:\n  - ")
	}
}

package monthly

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/infgen/infgen/examples/billing/gen/subscription"
	"github.com/infgen/infgen/runtime/workflow"
)

// The monthly cycle run from a schedule: instead of one long workflow per
// customer that sleeps a month between bills (Billing), a schedule fires
// on the first of each month (cron "0 0 1 * *") and each firing starts one
// BillCycle run, which bills the month just ended for every customer. The
// run's id is the schedule's id and the firing's time
// ("billing-cycle@2026-12-01T00:00:00Z"), so a month is billed by one run,
// whichever worker fires it and however often it restarts; the payment's
// idempotency key (PaymentKey) charges a customer's month once even across
// a backfill or a manual run.

// CycleName is the registered name of the cycle workflow.
const CycleName = "billing.cycle"

// CycleCron fires the cycle at midnight UTC on the first of each month.
const CycleCron = "0 0 1 * *"

// Customer is one customer a cycle bills.
type Customer struct {
	CustomerID string `json:"customerId"`
	Email      string `json:"email"`
}

// CycleInput is the input of a cycle run: the schedule's input.
type CycleInput struct {
	Customers []Customer `json:"customers"`
	// Month is the billed month (YYYY-MM); empty, it is the month before the
	// run's nominal time, read from its id (a schedule's firing).
	Month string `json:"month,omitempty"`
}

// CycleResult is what a cycle run billed: one Result per customer, whose
// Ended says whether the month was billed (completed), the subscription was
// canceled elsewhere (canceled), or the card was declined (payment_failed:
// the customer was told and the subscription canceled).
type CycleResult struct {
	Month     string   `json:"month"`
	Customers []Result `json:"customers"`
}

// Cycle is the typed reference to the cycle workflow.
var Cycle = workflow.Define(CycleName, BillCycle)

// BillCycle bills one month for every customer of in.
func BillCycle(ctx workflow.Context, in CycleInput) (CycleResult, error) {
	month := in.Month
	if month == "" {
		var err error
		if month, err = MonthBefore(ctx.Info().ID); err != nil {
			return CycleResult{}, err
		}
	}
	out := CycleResult{Month: month, Customers: []Result{}}
	subs := subscription.NewSubscriptionServiceStub()
	for _, c := range in.Customers {
		res := Result{CustomerID: c.CustomerID, Ended: EndedCompleted, Months: []string{}, Invoices: []string{}}
		sub, err := subs.GetSubscription(ctx, &subscription.GetSubscriptionRequest{CustomerId: c.CustomerID})
		if err != nil {
			return out, err
		}
		if !sub.GetActive() {
			res.Ended = EndedCanceled
			out.Customers = append(out.Customers, res)
			continue
		}
		in := Input{CustomerID: c.CustomerID, Email: c.Email}
		err = billMonth(ctx, in, month, &res) // a saga: a declined card voids the month's invoice
		var decline *CardDeclined
		if errors.As(err, &decline) {
			if cerr := compensationFailure(err); cerr != nil {
				return out, cerr // the invoice could not be voided: for an operator
			}
			res.Ended, res.FailedMonth = EndedPaymentFailed, month
			err = endSubscription(ctx, in, month, decline)
		}
		if err != nil {
			return out, err
		}
		out.Customers = append(out.Customers, res)
	}
	return out, nil
}

// MonthBefore returns the month before the nominal time of a schedule
// firing, read from the id of the workflow it started:
// "billing-cycle@2026-12-01T00:00:00Z" is "2026-11".
func MonthBefore(id string) (string, error) {
	_, at, ok := strings.Cut(id, "@")
	t, err := time.Parse(time.RFC3339Nano, at)
	if !ok || err != nil {
		return "", fmt.Errorf("monthly: workflow id %q is not a schedule's firing (id@time): give CycleInput.Month", id)
	}
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0).Format("2006-01"), nil
}

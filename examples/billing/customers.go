package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/infgen/infgen/examples/billing/gen/subscription"
	"github.com/infgen/infgen/examples/billing/monthly"
	"github.com/infgen/infgen/runtime/client"
)

// role is what happens to a customer during the run, so that every path of
// the workflow is exercised.
type role int

const (
	// roleStays is billed every month.
	roleStays role = iota
	// roleUnsubscribes sends the unsubscribe signal after the first charge.
	roleUnsubscribes
	// roleCanceledElsewhere has the subscription canceled directly in the
	// SubscriptionService after the first charge (the workflow sees it at
	// its next monthly check).
	roleCanceledElsewhere
	// roleDeclined has the card declined from the second month on: the
	// workflow compensates (notice email, subscription canceled).
	roleDeclined
)

// customerID is the id of the i-th customer (1-based); it is also the id of
// the customer's workflow.
func customerID(i int) string { return fmt.Sprintf("cus_%04d", i) }

// customerEmail is the address of a customer.
func customerEmail(id string) string { return id + "@example.com" }

// customerIndex parses a customer id back to its index (0 if malformed).
func customerIndex(id string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(id, "cus_"))
	return n
}

// customerRole assigns roles: with churn, customers 4, 14, 24… unsubscribe,
// 7, 17, 27… are canceled elsewhere and 10, 20, 30… are declined.
func customerRole(cfg config, i int) role {
	if !cfg.churn {
		return roleStays
	}
	switch i % 10 {
	case 4:
		return roleUnsubscribes
	case 7:
		return roleCanceledElsewhere
	case 0:
		return roleDeclined
	}
	return roleStays
}

// declined tells the payment server which cards to decline.
func declined(cfg config) func(customerID, month string) bool {
	first, _ := time.Parse("2006-01", cfg.firstMonth)
	second := first.AddDate(0, 1, 0).Format("2006-01")
	return func(id, month string) bool {
		return customerRole(cfg, customerIndex(id)) == roleDeclined && month >= second
	}
}

// subscribe subscribes customer i (as the company's website would) and
// starts their billing workflow. Both are idempotent: on a rerun with the
// same state file, the existing subscription and workflow are kept.
func (a *app) subscribe(ctx context.Context, i int) error {
	id := customerID(i)
	addr := customerEmail(id)
	err := a.retryWebsite(ctx, func(ctx context.Context) error {
		_, err := a.website.Subscribe(ctx, &subscription.SubscribeRequest{CustomerId: id, Plan: "metered", Email: addr})
		return err
	})
	if err != nil {
		return fmt.Errorf("subscribe %s: %w", id, err)
	}
	// A drive process may start before any worker has registered the
	// workflow on a fresh store (workers run elsewhere and may still be
	// starting): the typed reference rules out a misspelt name, so the
	// start is allowed to wait for them.
	_, err = client.StartRef(ctx, a.client, monthly.Workflow, billingInput(a.cfg, id, addr),
		client.StartParams{ID: id, Tags: []string{"billing"}, AllowUnregistered: a.cfg.role == roleDrive})
	if err != nil {
		return fmt.Errorf("start billing of %s: %w", id, err)
	}
	return nil
}

// retryWebsite calls the subscription server directly, retrying its faults.
func (a *app) retryWebsite(ctx context.Context, call func(ctx context.Context) error) error {
	var err error
	for attempt := 0; attempt < 50; attempt++ {
		actx, cancel := context.WithTimeout(ctx, a.cfg.taskTimeout)
		err = call(actx)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last error: %w)", ctx.Err(), err)
		case <-time.After(20 * time.Millisecond):
		}
	}
	return fmt.Errorf("subscription server still failing after 50 attempts: %w", err)
}

// billingInput returns the input of a customer's billing workflow.
func billingInput(cfg config, id, addr string) monthly.Input {
	in := monthly.Input{CustomerID: id, Email: addr, FirstMonth: cfg.firstMonth, Months: cfg.months, MonthsPerRun: cfg.perRun, MonthLength: cfg.month}
	if cfg.payment == "callback" {
		// The outcome arrives within milliseconds; the bound is for a
		// provider that never calls back, and leaves room for a restart.
		in.Payment, in.PaymentTimeout = monthly.PaymentCallback, max(10*cfg.month, 10*time.Second)
	}
	return in
}

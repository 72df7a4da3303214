package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/infgen/infgen/examples/billing/gen/subscription"
	"github.com/infgen/infgen/examples/billing/monthly"
	"github.com/infgen/infgen/runtime/client"
)

// run runs the example and returns its summary, printed on out. The error
// is about running (a server that cannot start, an unreadable state file);
// what went wrong in the billing itself is in the summary's Problems.
func run(ctx context.Context, cfg config, out io.Writer, tty bool) (*summary, error) {
	started := time.Now()
	a, err := startApp(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer func() { _ = a.close() }()
	if cfg.role == roleDrive {
		a.printWorkerEnv(out)
	}
	p := newProgress(out, tty, cfg)
	ids := make([]string, cfg.customers)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(16)
	for i := range ids {
		ids[i] = customerID(i + 1)
		g.Go(func() error { return a.subscribe(gctx, i+1) })
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	waitErr := a.wait(ctx, ids, p)
	p.finish()
	sum, err := a.summarize(context.WithoutCancel(ctx), ids, time.Since(started))
	if err != nil {
		return nil, err
	}
	if waitErr != nil {
		sum.Problems = append(sum.Problems, waitErr.Error())
	}
	if cfg.histories != "" {
		if err := a.saveHistories(ctx, ids, cfg.histories); err != nil {
			return nil, err
		}
	}
	if cfg.json {
		err = sum.writeJSON(out)
	} else {
		err = sum.writeText(out)
	}
	return sum, err
}

// wait follows the workflows until all have finished, driving the churn
// (unsubscribe signals, external cancellations) and refreshing progress.
func (a *app) wait(ctx context.Context, ids []string, p *progress) error {
	deadline := time.NewTimer(a.cfg.timeout)
	defer deadline.Stop()
	// Poll faster than the display refreshes, so that churn reacts within
	// a fraction of a month.
	tick := time.NewTicker(min(p.interval, max(a.cfg.month/5, 10*time.Millisecond)))
	defer tick.Stop()
	finished := map[string]bool{}
	acted := map[string]bool{}
	for {
		for _, id := range ids {
			if finished[id] {
				continue
			}
			d, err := a.client.Describe(ctx, id)
			if err != nil {
				return fmt.Errorf("describe workflow %s: %w", id, err)
			}
			finished[id] = d.Status.Terminal()
		}
		if err := a.churn(ctx, ids, finished, acted); err != nil {
			return err
		}
		done := countTrue(finished) == len(ids) && a.receiptsSent()
		p.update(a.snapshot(len(ids), countTrue(finished)), done)
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			if a.cfg.db == "" {
				return errors.New("interrupted before every workflow finished (with -db FILE a rerun resumes them)")
			}
			return errors.New("interrupted before every workflow finished; run again with the same -db to resume")
		case <-deadline.C:
			return fmt.Errorf("gave up after -timeout %s with %d workflow(s) unfinished", a.cfg.timeout, len(ids)-countTrue(finished))
		case <-tick.C:
		}
	}
}

// churn makes the customers with a leaving role leave once they have been
// charged once. Acting twice (after a restart) is harmless.
func (a *app) churn(ctx context.Context, ids []string, finished, acted map[string]bool) error {
	charged := a.servers.ChargesByCustomer()
	for _, id := range ids {
		if finished[id] || acted[id] || charged[id] == 0 {
			continue
		}
		switch customerRole(a.cfg, customerIndex(id)) {
		case roleUnsubscribes:
			_, err := a.client.Signal(ctx, client.Target{ID: id}, monthly.UnsubscribeSignal, monthly.Unsubscribe{Reason: "moving to another provider"})
			if err != nil && !errors.Is(err, client.ErrFinished) {
				return fmt.Errorf("signal %s: %w", id, err)
			}
		case roleCanceledElsewhere:
			err := a.retryWebsite(ctx, func(ctx context.Context) error {
				_, err := a.website.CancelSubscription(ctx, &subscription.CancelSubscriptionRequest{CustomerId: id, Reason: "canceled by phone"})
				return err
			})
			if err != nil {
				return fmt.Errorf("cancel subscription of %s: %w", id, err)
			}
		}
		acted[id] = true
	}
	return nil
}

// receiptsSent reports whether every charge has its receipt, or the run
// resumed a state file (receipts of events lost with the earlier process
// never come: see summary.Resumed).
func (a *app) receiptsSent() bool {
	st := a.servers.Stats()
	return a.resumed || st.Receipts >= st.Payments.Records
}

func countTrue(m map[string]bool) int {
	n := 0
	for _, v := range m {
		if v {
			n++
		}
	}
	return n
}

// saveHistories writes each workflow's state, history included, as
// indented JSON: the input of workflowtest.Replay.
func (a *app) saveHistories(ctx context.Context, ids []string, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create -histories directory: %w", err)
	}
	for _, id := range ids {
		raw, err := a.client.State(ctx, id)
		if err != nil {
			return fmt.Errorf("read history of %s: %w", id, err)
		}
		var b bytes.Buffer
		if err := json.Indent(&b, raw, "", "  "); err != nil {
			return fmt.Errorf("indent history of %s: %w", id, err)
		}
		b.WriteByte('\n')
		if err := os.WriteFile(filepath.Join(dir, id+".json"), b.Bytes(), 0o644); err != nil {
			return fmt.Errorf("write history of %s: %w", id, err)
		}
	}
	return nil
}

// work runs the workers of -role work until ctx is done.
func work(ctx context.Context, cfg config, out io.Writer) error {
	a, err := startApp(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "billing workers running on %s, calling the servers at ports %d-%d; stop with Ctrl-C\n", cfg.transport, cfg.ports, cfg.ports+4)
	<-ctx.Done()
	return a.close()
}

// printWorkerEnv prints the environment a scaffolded worker (infgen init
// worker, see docs/deploy.md) needs to call this process's servers.
func (a *app) printWorkerEnv(out io.Writer) {
	e := a.endpoints()
	fmt.Fprintf(out, "servers up; workers elsewhere need:\nexport INFGEN_CONSUMPTION_URL=%s INFGEN_PAYMENT_URL=%s INFGEN_INVOICE_URL=%s INFGEN_EMAIL_URL=%s INFGEN_SUBSCRIPTION_URL=%s\n",
		e.consumption, e.payment, e.invoice, e.email, e.subscription)
	if a.cfg.payment == "callback" {
		fmt.Fprintf(out, "payment outcomes are called back to the webhook receiver at http://%s (scaffolded workers without webhooks.listen: run this with -payment sync)\n", a.hooksAddr())
	}
}

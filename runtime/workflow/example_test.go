package workflow_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/retry"
	"github.com/infgen/infgen/runtime/service"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// Invoice is the input of the invoice workflow.
type Invoice struct {
	Customer string
	Month    string
}

// SendInvoice is the invoice workflow: one month of one customer.
func SendInvoice(ctx workflow.Context, in Invoice) (string, error) {
	return "invoice " + in.Customer + "/" + in.Month, nil
}

// BillQuarter bills three months, each as a child workflow started through
// the Invoices reference: no name string, and a mistyped input or output is
// a compile error.
func BillQuarter(ctx workflow.Context, customer string) ([]string, error) {
	var sent []string
	for _, month := range []string{"2026-01", "2026-02", "2026-03"} {
		out, err := Invoices.Run(ctx, Invoice{Customer: customer, Month: month},
			workflow.WithChildID(customer+"/"+month), workflow.WithTags("invoice"))
		if err != nil {
			return nil, err
		}
		sent = append(sent, out)
	}
	return sent, nil
}

// Typed references, one per workflow: the only place each name is written.
var (
	Invoices = workflow.Define("billing.invoice", SendInvoice)
	Quarters = workflow.Define("billing.quarter", BillQuarter)
)

// ExampleDefine registers workflows, starts one from a client and runs
// children, all through typed references.
func ExampleDefine() {
	ctx := context.Background()
	rt, _ := local.Open("") // in memory
	defer rt.Close()
	w, _ := rt.NewWorker(worker.Options{Logger: slog.New(slog.DiscardHandler)})
	if err := w.RegisterWorkflow(Invoices, Quarters); err != nil {
		panic(err)
	}
	_ = w.Start(ctx)
	defer w.Stop()
	c, _ := rt.NewClient(ctx)
	defer c.Close()

	sent, err := client.ExecuteRef(ctx, c, Quarters, "ada", client.StartParams{ID: "ada-2026-q1"})
	fmt.Println(sent, err)
	// Output:
	// [invoice ada/2026-01 invoice ada/2026-02 invoice ada/2026-03] <nil>
}

// ExampleCallOption passes options to one task call: its retry policy, the
// timeout of each attempt and the idempotency key the service sees. A
// generated stub takes them the same way:
// pay.RequestPayment(ctx, in, workflow.WithTimeout(5*time.Second)). They
// are recorded with the task, so retries and restarts keep them.
func ExampleCallOption() {
	ctx := context.Background()
	rt, _ := local.Open("")
	defer rt.Close()
	w, _ := rt.NewWorker(worker.Options{Logger: slog.New(slog.DiscardHandler)})

	// A payment API that is down for the first two attempts.
	charge := func(ctx context.Context, amount *int) (*string, error) {
		task, _ := service.TaskFrom(ctx)
		if task.Attempt < 3 {
			return nil, service.Retryable(errors.New("payment API unavailable"), 0)
		}
		dl, _ := ctx.Deadline()
		receipt := fmt.Sprintf("charged %d (key %s, attempt %d, timeout %s)",
			*amount, service.IdempotencyKey(ctx), task.Attempt, time.Until(dl).Round(time.Second))
		return &receipt, nil
	}
	_ = w.RegisterService(worker.Service{Name: "payments", Methods: []worker.Method{
		{Name: "Charge", Handler: worker.Handle(codec.JSON{}, charge)},
	}}, worker.WithRetry(retry.None())) // the service's policy: no retries

	_ = worker.RegisterWorkflow(w, "pay", func(ctx workflow.Context, amount int) (string, error) {
		receipt, err := workflow.Dispatch[*string](ctx, workflow.Call{Service: "payments", Method: "Charge", Input: amount},
			workflow.WithRetry(retry.Policy{MaxAttempts: 3, Initial: 10 * time.Millisecond}), // wins over the service's
			workflow.WithTimeout(5*time.Second),
			workflow.WithIdempotencyKey("invoice-2026-01"),
		).Await(ctx)
		if err != nil {
			return "", err
		}
		return *receipt, nil
	})
	_ = w.Start(ctx)
	defer w.Stop()
	c, _ := rt.NewClient(ctx)
	defer c.Close()

	out, err := client.Execute[string](ctx, c, client.StartParams{Workflow: "pay", Input: 4200})
	fmt.Println(out, err)
	// Output:
	// charged 4200 (key invoice-2026-01, attempt 3, timeout 5s) <nil>
}

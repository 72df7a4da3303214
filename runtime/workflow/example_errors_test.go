package workflow_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/failure"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/service"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// DeclinedError is a service's error type, shaped like the error a
// generated package declares for an operation's 402 response.
type DeclinedError struct {
	StatusCode int    `json:"statusCode"`
	Detail     string `json:"detail"`
}

func (e *DeclinedError) Error() string { return fmt.Sprintf("HTTP %d: %s", e.StatusCode, e.Detail) }

// cardErrors is what a generated package's ErrorTypes() returns: each
// type under a stable name.
func cardErrors() []failure.ErrorType {
	return []failure.ErrorType{failure.JSONType[DeclinedError]("cards.DeclinedError")}
}

type Charge struct{ Customer string }

// Example_typedErrors shows a service's own error type reaching a workflow:
// the worker records the failure with its type (generated Register
// functions pass ErrorTypes() as worker.Service.Errors) and the call names
// the types to decode (generated stubs pass them as workflow.Call.Errors),
// so errors.As matches in the workflow — in any process, and on replay.
func Example_typedErrors() {
	ctx := context.Background()
	rt, _ := local.Open("")
	defer rt.Close()
	w, _ := rt.NewWorker(worker.Options{Logger: slog.New(slog.DiscardHandler)})

	charge := func(_ context.Context, in *Charge) (*Charge, error) {
		return nil, service.Permanent(&DeclinedError{StatusCode: 402, Detail: "the card of " + in.Customer + " was declined"})
	}
	_ = w.RegisterService(worker.Service{Name: "cards", Errors: cardErrors(), Methods: []worker.Method{
		{Name: "Charge", Handler: worker.Handle(codec.JSON{}, charge)},
	}})
	_ = worker.RegisterWorkflow(w, "bill", func(ctx workflow.Context, customer string) (string, error) {
		_, err := workflow.Dispatch[*Charge](ctx, workflow.Call{Service: "cards", Method: "Charge",
			Input: &Charge{Customer: customer}, Errors: cardErrors()}).Await(ctx)
		var declined *DeclinedError
		if errors.As(err, &declined) { // the service's type, status and body included
			return fmt.Sprintf("declined (%d): %s", declined.StatusCode, declined.Detail), nil
		}
		return "charged", err
	})
	_ = w.Start(ctx)
	defer w.Stop()

	c, _ := rt.NewClient(ctx, func(o *client.Options) { o.PollInterval = 10 * time.Millisecond })
	defer c.Close()
	out, err := client.Execute[string](ctx, c, client.StartParams{Workflow: "bill", Input: "ada"})
	fmt.Println(out, err)
	// Output: declined (402): the card of ada was declined <nil>
}

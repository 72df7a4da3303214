package workflow_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/retry"
	"github.com/infgen/infgen/runtime/service"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// trip is a travel agency's service: each booking has an undo, and a
// booking named "sold out" fails for good. It logs what it did.
type trip struct {
	mu  sync.Mutex
	log []string
}

func (t *trip) do(what string) func(context.Context, *string) (*string, error) {
	return func(_ context.Context, in *string) (*string, error) {
		if *in == "sold out" || (what == "cancel" && *in == "car-stuck") {
			return nil, service.Permanentf("%s %s: refused", what, *in)
		}
		t.mu.Lock()
		defer t.mu.Unlock()
		t.log = append(t.log, what+" "+*in)
		id := *in
		return &id, nil
	}
}

// book runs trip.Book for what and, when it succeeds, registers trip.Cancel
// of the booking in saga: what a generated stub's …Compensated method does
// from the spec's x-infgen-compensate.
func book(ctx workflow.Context, saga *workflow.Saga, what string) error {
	id, err := workflow.Dispatch[*string](ctx, workflow.Call{Service: "trip", Method: "Book", Input: what}).Await(ctx)
	if err != nil {
		return err
	}
	saga.Add(workflow.Compensation{
		Name: "trip.Cancel " + *id,
		Start: func(ctx workflow.Context, opts ...workflow.CallOption) workflow.Awaitable {
			return workflow.Dispatch[*string](ctx, workflow.Call{Service: "trip", Method: "Cancel", Input: *id}, opts...)
		},
		// Its own retry policy: one attempt, so the example's refused
		// cancellation fails at once.
		Options: []workflow.CallOption{workflow.WithRetry(retry.Policy{MaxAttempts: 1})},
	})
	return nil
}

// runTrip runs flow in an in-memory runtime with the trip service and
// prints the result and what the service did.
func runTrip(flow workflow.Ref[[]string, string], bookings []string) {
	ctx := context.Background()
	rt, _ := local.Open("")
	defer rt.Close()
	w, _ := rt.NewWorker(worker.Options{Logger: slog.New(slog.DiscardHandler)})
	t := &trip{}
	_ = w.RegisterService(worker.Service{Name: "trip", Methods: []worker.Method{
		{Name: "Book", Handler: worker.Handle(codec.JSON{}, t.do("book"))},
		{Name: "Cancel", Handler: worker.Handle(codec.JSON{}, t.do("cancel"))},
	}})
	_ = w.RegisterWorkflow(flow)
	_ = w.Start(ctx)
	defer w.Stop()
	c, _ := rt.NewClient(ctx, func(o *client.Options) { o.Logger = slog.New(slog.DiscardHandler) })
	defer c.Close()
	out, err := client.ExecuteRef(ctx, c, flow, bookings, client.StartParams{})
	fmt.Println(out, err)
	fmt.Println(strings.Join(t.log, "\n"))
}

// ExampleSaga books a trip step by step; when a booking fails, the saga
// cancels the bookings made so far, the last first, each as a durable task.
func ExampleSaga() {
	flow := workflow.Define("example.saga", func(ctx workflow.Context, bookings []string) (string, error) {
		saga := workflow.NewSaga()
		for _, b := range bookings {
			if err := book(ctx, saga, b); err != nil {
				if cerr := saga.Compensate(ctx); cerr != nil {
					return "", errors.Join(err, cerr)
				}
				return "trip not booked", nil
			}
		}
		return "trip booked", nil
	})
	runTrip(flow, []string{"flight", "hotel", "sold out"})
	// Output:
	// trip not booked <nil>
	// book flight
	// book hotel
	// cancel hotel
	// cancel flight
}

// ExampleParallel compensates all at once; a compensation that fails does
// not stop the others, and is reported as a *workflow.CompensationError.
func ExampleParallel() {
	flow := workflow.Define("example.saga.parallel", func(ctx workflow.Context, bookings []string) (string, error) {
		saga := workflow.NewSaga(workflow.Parallel())
		for _, b := range bookings {
			if err := book(ctx, saga, b); err != nil {
				err := saga.Compensate(ctx)
				var cerr *workflow.CompensationError
				if errors.As(err, &cerr) {
					return fmt.Sprintf("trip not booked, %d compensation(s) failed: %s", len(cerr.Failed), cerr.Failed[0].Name), nil
				}
				return "trip not booked", err
			}
		}
		return "trip booked", nil
	})
	runTrip(flow, []string{"car-stuck", "flight", "sold out"})
	// Unordered output:
	// trip not booked, 1 compensation(s) failed: trip.Cancel car-stuck <nil>
	// book car-stuck
	// book flight
	// cancel flight
}

package events_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/events"
	memstore "github.com/infgen/infgen/runtime/storage/memory"
	"github.com/infgen/infgen/runtime/transport/memory"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

type Shipped struct {
	Order   string `json:"order"`
	Carrier string `json:"carrier"`
}

// Example has a workflow emit an event and a subscriber in the same
// worker receive it, decoded.
func Example() {
	ctx := context.Background()
	tr, store := memory.New(), memstore.New()
	defer tr.Close()
	quiet := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	w, _ := worker.New(worker.Options{Transport: tr, Storage: store, Logger: quiet})

	_ = worker.RegisterWorkflow(w, "shop.ship", func(ctx workflow.Context, order string) (string, error) {
		return "ok", workflow.Emit(ctx, workflow.Event{Type: "shop.order.shipped", Data: Shipped{Order: order, Carrier: "owl"}})
	})
	got := make(chan string, 1)
	_ = events.SubscribeData(w, "shop.order.shipped", func(_ context.Context, ev *events.Event, s *Shipped) error {
		got <- fmt.Sprintf("%s: order %s (workflow %s) went with %s", ev.Type, s.Order, ev.Subject, s.Carrier)
		return nil
	}, events.Name("notifier"))
	_ = w.Start(ctx)
	defer w.Stop()

	c, _ := client.New(ctx, client.Options{Transport: tr, Storage: store})
	defer c.Close()
	_, _ = client.Execute[string](ctx, c, client.StartParams{Workflow: "shop.ship", ID: "ship-7", Input: "o-7"})
	select {
	case s := <-got:
		fmt.Println(s)
	case <-time.After(10 * time.Second):
		fmt.Println("no event")
	}
	// Output: shop.order.shipped: order o-7 (workflow ship-7) went with owl
}

// ExampleOn subscribes to a typed event, as a generated package declares
// one per operation (PaymentServiceEvents.RequestPaymentCompleted): the
// handler receives its data decoded into the type the event carries.
func ExampleOn() {
	ctx := context.Background()
	tr, store := memory.New(), memstore.New()
	defer tr.Close()
	quiet := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	w, _ := worker.New(worker.Options{Transport: tr, Storage: store, Logger: quiet})

	shipped := events.Typed[*Shipped]{Type: "shop.order.shipped"}
	_ = worker.RegisterWorkflow(w, "shop.ship", func(ctx workflow.Context, order string) (string, error) {
		return "ok", workflow.Emit(ctx, workflow.Event{Type: shipped.Type, Data: Shipped{Order: order, Carrier: "owl"}})
	})
	got := make(chan string, 1)
	_ = events.On(w, shipped, func(_ context.Context, ev *events.Event, s *Shipped) error {
		got <- fmt.Sprintf("%s: order %s went with %s", ev.Type, s.Order, s.Carrier)
		return nil
	})
	_ = w.Start(ctx)
	defer w.Stop()

	c, _ := client.New(ctx, client.Options{Transport: tr, Storage: store})
	defer c.Close()
	_, _ = client.Execute[string](ctx, c, client.StartParams{Workflow: "shop.ship", ID: "ship-8", Input: "o-8"})
	select {
	case s := <-got:
		fmt.Println(s)
	case <-time.After(10 * time.Second):
		fmt.Println("no event")
	}
	// Output: shop.order.shipped: order o-8 went with owl
}

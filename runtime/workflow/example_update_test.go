package workflow_test

import (
	"errors"
	"fmt"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/workflow"
)

// cart is a workflow that takes items by update until it is checked out.
func cart(ctx workflow.Context, _ struct{}) ([]string, error) {
	var items []string
	workflow.HandleUpdate(ctx, "add", func(ctx workflow.Context, item string) (int, error) {
		items = append(items, item)
		return len(items), nil
	}, workflow.WithValidator(func(item string) error {
		if item == "" {
			return errors.New("an item needs a name")
		}
		return nil
	}))
	_, err := workflow.SignalChannel[struct{}]("checkout").Receive(ctx)
	return items, err
}

var Cart = workflow.Define("example.cart", cart)

// ExampleHandleUpdate answers requests sent into the running workflow:
// client.Update returns the handler's result.
func ExampleHandleUpdate() {
	s := newSandbox(Cart)
	defer s.close()
	id, _ := client.StartRef(s.ctx, s.c, Cart, struct{}{}, client.StartParams{ID: "cart-1"})
	n, err := client.Update[int](s.ctx, s.c, id, "add", "apple")
	fmt.Println(n, err)
	n, err = client.Update[int](s.ctx, s.c, id, "add", "pear")
	fmt.Println(n, err)
	_, _ = s.c.Signal(s.ctx, client.Target{ID: id}, "checkout", struct{}{})
	fmt.Println(client.Result[[]string](s.ctx, s.c, id))
	// Output:
	// 1 <nil>
	// 2 <nil>
	// [apple pear] <nil>
}

// ExampleWithValidator rejects a request before anything is recorded: the
// client gets the validator's error, the workflow is as it was.
func ExampleWithValidator() {
	s := newSandbox(Cart)
	defer s.close()
	id, _ := client.StartRef(s.ctx, s.c, Cart, struct{}{}, client.StartParams{ID: "cart-2"})
	_, err := client.Update[int](s.ctx, s.c, id, "add", "")
	fmt.Println(errors.Is(err, client.ErrUpdateRejected), err)
	_, err = client.Update[int](s.ctx, s.c, id, "remove", "apple")
	fmt.Println(errors.Is(err, client.ErrUpdateRejected), err)
	n, err := client.Update[int](s.ctx, s.c, id, "add", "fig")
	fmt.Println(n, err)
	// Output:
	// true update "add" of workflow example.cart (id cart-2) was rejected: an item needs a name
	// true update "remove" of workflow example.cart (id cart-2) was rejected: workflow example.cart has no handler for update "remove"
	// 1 <nil>
}

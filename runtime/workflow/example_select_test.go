package workflow_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/workflow"
)

// ExampleSelect waits for whichever comes first: a cancellation signal or
// the end of a grace period. With several ready, the one recorded first in
// the workflow's history is chosen, on every replay.
func ExampleSelect() {
	cancelOrder := workflow.SignalChannel[string]("cancel")
	flow := workflow.Define("example.select", func(ctx workflow.Context, _ struct{}) (string, error) {
		outcome := ""
		workflow.Select(ctx,
			workflow.OnReceive(cancelOrder, func(reason string, err error) { outcome = "canceled: " + reason }),
			workflow.OnReady(workflow.NewTimer(ctx, hour), func(time.Time, error) { outcome = "shipped" }),
		)
		return outcome, nil
	})
	s := newSandbox(flow)
	defer s.close()
	id, _ := s.c.SignalWithStart(s.ctx, client.StartParams{Workflow: flow.Name(), ID: "order-7"}, cancelOrder.Name(), "changed my mind")
	fmt.Println(client.Result[string](s.ctx, s.c, id))
	// Output: canceled: changed my mind <nil>
}

// ExampleNewSelector handles, in one loop, signals as they come and the
// results of tasks, until it has them all or a deadline passes: each
// task's case is chosen once, the signal's case each time a signal waits.
func ExampleNewSelector() {
	notes := workflow.SignalChannel[string]("note")
	flow := workflow.Define("example.selector", func(ctx workflow.Context, names []string) (string, error) {
		var log []string
		done := false
		sel := workflow.NewSelector(ctx,
			workflow.OnReceive(notes, func(n string, err error) { log = append(log, "note "+n) }),
			workflow.OnReady(workflow.NewTimer(ctx, hour), func(time.Time, error) { done = true }),
		)
		for _, n := range names {
			sel.Add(workflow.OnReady(greet(ctx, n), func(s *string, err error) { log = append(log, *s) }))
		}
		for !done && len(log) < len(names)+1 {
			sel.Select()
		}
		return fmt.Sprint(len(log), " events, ", strings.Count(strings.Join(log, ","), "hello"), " greetings"), nil
	})
	s := newSandbox(flow)
	defer s.close()
	id, _ := s.c.SignalWithStart(s.ctx, client.StartParams{Workflow: flow.Name(), ID: "sel", Input: []string{"ada", "alan"}}, notes.Name(), "hi")
	fmt.Println(client.Result[string](s.ctx, s.c, id))
	// Output: 3 events, 2 greetings <nil>
}

// ExampleOnReady selects over a task and ctx.Done(): the task is awaited
// unless the scope is canceled first.
func ExampleOnReady() {
	flow := workflow.Define("example.onready", func(ctx workflow.Context, name string) (string, error) {
		sctx, cancel := workflow.WithCancel(ctx)
		defer cancel()
		var got string
		workflow.Select(ctx,
			workflow.OnReady(greet(sctx, name), func(s *string, err error) { got = *s }),
			workflow.OnReady(sctx.Done(), func(struct{}, error) { got = "canceled" }),
		)
		return got, nil
	})
	fmt.Println(execute(flow, "ada"))
	// Output: hello ada <nil>
}

// ExampleOnReceive handles the signals of two channels in the order they
// were sent, until one of them says to stop.
func ExampleOnReceive() {
	votes := workflow.SignalChannel[int]("vote")
	closePoll := workflow.SignalChannel[struct{}]("close")
	flow := workflow.Define("example.onreceive", func(ctx workflow.Context, _ struct{}) (int, error) {
		total, closed := 0, false
		sel := workflow.NewSelector(ctx,
			workflow.OnReceive(votes, func(v int, err error) { total += v }),
			workflow.OnReceive(closePoll, func(struct{}, error) { closed = true }),
		)
		for !closed {
			sel.Select()
		}
		return total, nil
	})
	s := newSandbox(flow)
	defer s.close()
	id, _ := client.StartRef(s.ctx, s.c, flow, struct{}{}, client.StartParams{ID: "poll"})
	for _, v := range []int{1, 2, 3} {
		_, _ = s.c.Signal(s.ctx, client.Target{ID: id}, votes.Name(), v)
	}
	_, _ = s.c.Signal(s.ctx, client.Target{ID: id}, closePoll.Name(), struct{}{})
	fmt.Println(client.Result[int](s.ctx, s.c, id))
	// Output: 6 <nil>
}

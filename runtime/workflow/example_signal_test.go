package workflow_test

import (
	"fmt"
	"time"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/workflow"
)

// ExampleSignalChannel waits for a signal sent by a client (here with the
// start, so that it cannot be missed).
func ExampleSignalChannel() {
	approvals := workflow.SignalChannel[string]("approve")
	flow := workflow.Define("example.signal", func(ctx workflow.Context, _ struct{}) (string, error) {
		who, err := approvals.Receive(ctx)
		return "approved by " + who, err
	})
	s := newSandbox(flow)
	defer s.close()
	id, _ := s.c.SignalWithStart(s.ctx, client.StartParams{Workflow: flow.Name(), ID: "order-1"}, approvals.Name(), "grace")
	fmt.Println(client.Result[string](s.ctx, s.c, id))
	// Output: approved by grace <nil>
}

// ExampleChannel_Receive receives signals in the order they were sent.
func ExampleChannel_Receive() {
	items := workflow.SignalChannel[string]("item")
	flow := workflow.Define("example.receive", func(ctx workflow.Context, n int) ([]string, error) {
		var got []string
		for range n {
			v, err := items.Receive(ctx)
			if err != nil {
				return nil, err
			}
			got = append(got, v)
		}
		return got, nil
	})
	s := newSandbox(flow)
	defer s.close()
	id, _ := client.StartRef(s.ctx, s.c, flow, 3, client.StartParams{ID: "cart"})
	for _, v := range []string{"apple", "pear", "fig"} {
		_, _ = s.c.Signal(s.ctx, client.Target{ID: id}, items.Name(), v)
	}
	fmt.Println(client.Result[[]string](s.ctx, s.c, id))
	// Output: [apple pear fig] <nil>
}

// ExampleChannel_ReceiveTimeout waits for a signal at most for a while.
func ExampleChannel_ReceiveTimeout() {
	flow := workflow.Define("example.receivetimeout", func(ctx workflow.Context, _ struct{}) (string, error) {
		v, ok, err := workflow.SignalChannel[string]("approve").ReceiveTimeout(ctx, 10*time.Millisecond)
		if err != nil || !ok {
			return "no answer in time", err
		}
		return "approved by " + v, nil
	})
	fmt.Println(execute(flow, struct{}{}))
	// Output: no answer in time <nil>
}

// ExampleChannel_TryReceive takes a signal if one is waiting, without
// waiting.
func ExampleChannel_TryReceive() {
	stop := workflow.SignalChannel[string]("stop")
	flow := workflow.Define("example.tryreceive", func(ctx workflow.Context, _ struct{}) (string, error) {
		for i := 1; ; i++ {
			if reason, ok, err := stop.TryReceive(ctx); err != nil || ok {
				return fmt.Sprintf("stopped before round %d: %s", i, reason), err
			}
			if _, err := greet(ctx, "round").Await(ctx); err != nil {
				return "", err
			}
		}
	})
	s := newSandbox(flow)
	defer s.close()
	id, _ := s.c.SignalWithStart(s.ctx, client.StartParams{Workflow: flow.Name(), ID: "loop"}, stop.Name(), "enough")
	fmt.Println(client.Result[string](s.ctx, s.c, id))
	// Output: stopped before round 1: enough <nil>
}

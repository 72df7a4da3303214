package workflow_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/workflow"
)

// ExampleInline runs a side effect once: on every later replay the
// recorded result is returned and the function is not called again.
func ExampleInline() {
	calls := 0
	flow := workflow.Define("example.inline", func(ctx workflow.Context, _ struct{}) (string, error) {
		region, err := workflow.Inline(ctx, "read region", func() (string, error) {
			calls++
			return "eu-west", nil // read from the environment, a file, …
		})
		if err != nil {
			return "", err
		}
		if err := workflow.Sleep(ctx, time.Millisecond); err != nil { // replays the workflow
			return "", err
		}
		return region, nil
	})
	out, err := execute(flow, struct{}{})
	fmt.Println(out, err, "calls:", calls)
	// Output: eu-west <nil> calls: 1
}

// ExampleRandom draws replay-safe random numbers: the same on every replay
// of the run.
func ExampleRandom() {
	flow := workflow.Define("example.random", func(ctx workflow.Context, _ struct{}) (bool, error) {
		first := workflow.Random(ctx)
		again, err := workflow.Inline(ctx, "remember", func() (uint64, error) { return first, nil })
		if err != nil {
			return false, err
		}
		if err := workflow.Sleep(ctx, time.Millisecond); err != nil { // replays the workflow
			return false, err
		}
		return again == first, nil // the replay drew the same number
	})
	fmt.Println(execute(flow, struct{}{}))
	// Output: true <nil>
}

// ExampleNewUUID makes a replay-safe version 4 UUID, for an id the
// workflow hands to a service.
func ExampleNewUUID() {
	flow := workflow.Define("example.uuid", func(ctx workflow.Context, _ struct{}) (string, error) {
		id := workflow.NewUUID(ctx)
		return fmt.Sprint(len(id), " ", id[14:15]), nil
	})
	fmt.Println(execute(flow, struct{}{}))
	// Output: 36 4 <nil>
}

// ExampleContinueAsNew keeps a long-lived loop's history small: every two
// rounds the run ends and the next one starts with the count so far.
func ExampleContinueAsNew() {
	flow := workflow.Define("example.continue", func(ctx workflow.Context, done int) (string, error) {
		for i := 0; done < 5; i++ {
			if i == 2 {
				return "", workflow.ContinueAsNew(ctx, done)
			}
			if _, err := greet(ctx, "round").Await(ctx); err != nil {
				return "", err
			}
			done++
		}
		return fmt.Sprintf("%d rounds, ended in run %d", done, ctx.Info().Run), nil
	})
	fmt.Println(execute(flow, 0))
	// Output: 5 rounds, ended in run 3 <nil>
}

// ExampleContext reads what the context says of the running workflow.
func ExampleContext() {
	flow := workflow.Define("example.context", func(ctx workflow.Context, _ struct{}) (string, error) {
		ctx.Logger().Info("running") // silent while the workflow replays
		info := ctx.Info()
		return fmt.Sprint(info.ID, " ", info.Name, " v", info.Version, " run ", info.Run, " tags ", strings.Join(info.Tags, ","),
			" replaying ", ctx.IsReplaying(), " err ", ctx.Err()), nil
	})
	s := newSandbox(flow)
	defer s.close()
	fmt.Println(client.ExecuteRef(s.ctx, s.c, flow, struct{}{}, client.StartParams{ID: "ctx-1", Tags: []string{"demo"}}))
	// Output: ctx-1 example.context v1 run 1 tags demo replaying false err <nil> <nil>
}

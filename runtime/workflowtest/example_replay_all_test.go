package workflowtest_test

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
	"github.com/infgen/infgen/runtime/workflowtest"
)

// trialWithWelcome is a new version of trial that sends a welcome mail
// before it waits: a trial already waiting has a timer at that step.
func trialWithWelcome(ctx workflow.Context, customer string) (string, error) {
	if _, err := workflow.Dispatch[string](ctx, workflow.Call{Service: "mail", Method: "Welcome", Input: customer}).Await(ctx); err != nil {
		return "", err
	}
	return trial(ctx, customer)
}

// ExampleReplayAll replays the trials in flight with two versions of the
// code before deploying them: the current one replays them, the new one
// would park them.
func ExampleReplayAll() {
	ctx := context.Background()
	rt, _ := local.Open("") // in production: a client of the real store
	defer rt.Close()
	w, _ := rt.NewWorker(worker.Options{Logger: slog.New(slog.DiscardHandler)})
	_ = worker.RegisterWorkflow(w, "trial", trial)
	_ = w.Start(ctx)
	defer w.Stop()
	c, _ := rt.NewClient(ctx)
	defer c.Close()
	_, _ = c.Start(ctx, client.StartParams{Workflow: "trial", ID: "ada", Input: "Ada"})
	for d, _ := c.Describe(ctx, "ada"); d.Steps == 0; d, _ = c.Describe(ctx, "ada") {
		time.Sleep(time.Millisecond) // until it waits
	}

	for _, def := range []workflow.Definition{workflow.Define("trial", trial), workflow.Define("trial", trialWithWelcome)} {
		results, _ := workflowtest.ReplayAll(ctx, c, def)
		for _, r := range results {
			fmt.Printf("%s: failed=%v step=%d expected=%q found=%q\n", r.ID, r.Failed(), r.Step, r.Expected, r.Found)
		}
	}
	// Output:
	// ada: failed=false step=0 expected="" found=""
	// ada: failed=true step=0 expected="timer timer" found="task mail.Welcome"
}

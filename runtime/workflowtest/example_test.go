package workflowtest_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
	"github.com/infgen/infgen/runtime/workflowtest"
)

// trial waits for an upgrade signal for fourteen days, then ends the trial.
func trial(ctx workflow.Context, customer string) (string, error) {
	plan, ok, err := workflow.SignalChannel[string]("upgrade").ReceiveTimeout(ctx, 14*24*time.Hour)
	switch {
	case err != nil:
		return "", err
	case ok:
		return customer + " upgraded to " + plan, nil
	}
	return customer + "'s trial ended", nil
}

// ExampleEnv tests a fourteen-day trial in milliseconds: one customer
// upgrades on day three, the other never does.
func ExampleEnv() {
	t := &testing.T{} // in a test, the test's own *testing.T
	env := workflowtest.NewEnv(t, func(w *worker.Worker) error {
		return worker.RegisterWorkflow(w, "trial", trial)
	})

	ada := env.Start(client.StartParams{Workflow: "trial", Input: "Ada"})
	bob := env.Start(client.StartParams{Workflow: "trial", Input: "Bob"})
	env.Sleep(3 * 24 * time.Hour)
	env.Signal(ada, "upgrade", "pro")

	for _, id := range []string{ada, bob} {
		out, err := workflowtest.Result[string](env, id)
		fmt.Println(out, err)
	}
	// Output:
	// Ada upgraded to pro <nil>
	// Bob's trial ended <nil>
}

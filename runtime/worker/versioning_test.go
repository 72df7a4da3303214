package worker_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/transport"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// waitThenAdd waits for a "go" signal, then adds.
func waitThenAdd(ctx workflow.Context, _ int) (string, error) {
	if _, err := add(ctx, 1, 1).Await(ctx); err != nil {
		return "", err
	}
	if _, err := workflow.SignalChannel[string]("go").Receive(ctx); err != nil {
		return "", err
	}
	out, err := add(ctx, 2, 2).Await(ctx)
	if err != nil {
		return "", err
	}
	return "v1:" + itoa(out.Sum), nil
}

// changed issues a different first command than waitThenAdd.
func changed(ctx workflow.Context, _ int) (string, error) {
	if _, err := workflow.SignalChannel[string]("go").Receive(ctx); err != nil {
		return "", err
	}
	return "changed", nil
}

func waitFor(t *testing.T, c *client.Client, id string, cond func(*client.Description) bool) *client.Description {
	t.Helper()
	var d *client.Description
	require.Eventually(t, func() bool {
		var err error
		d, err = c.Describe(context.Background(), id)
		return err == nil && cond(d)
	}, 5*time.Second, 5*time.Millisecond)
	return d
}

func TestNonDeterminismParksUntilFixedCodeIsDeployed(t *testing.T) {
	t.Parallel()
	m := &mathService{}
	e := newEnv(t, func(w *worker.Worker) {
		registerMath(w, m)
		require.NoError(t, worker.RegisterWorkflow(w, "flow", waitThenAdd))
	})
	ctx := ctxT(t)
	id, err := e.client.Start(ctx, client.StartParams{Workflow: "flow", ID: "nd-1"})
	require.NoError(t, err)
	waitFor(t, e.client, id, func(d *client.Description) bool { return d.Steps == 1 && d.PendingTasks == 0 })

	// Deploy code whose first step differs, then wake the workflow.
	require.NoError(t, e.worker.Stop())
	bad := e.startWorker(func(w *worker.Worker) {
		registerMath(w, m)
		require.NoError(t, worker.RegisterWorkflow(w, "flow", changed))
	})
	_, err = e.client.Signal(ctx, client.Target{ID: id}, "go", "now")
	require.NoError(t, err)
	d := waitFor(t, e.client, id, func(d *client.Description) bool { return d.Parked != "" })
	require.Contains(t, d.Parked, `workflow "flow"`)
	require.Contains(t, d.Parked, "step 0")
	require.Contains(t, d.Parked, "history has task math.Add")
	require.Contains(t, d.Parked, "code issued nothing")
	require.Equal(t, client.Running, d.Status)

	// Deploy the fixed code: the parked instance resumes with its signal.
	require.NoError(t, bad.Stop())
	e.worker = e.startWorker(func(w *worker.Worker) {
		registerMath(w, m)
		require.NoError(t, worker.RegisterWorkflow(w, "flow", waitThenAdd))
	})
	got, err := client.Result[string](ctx, e.client, id)
	require.NoError(t, err)
	require.Equal(t, "v1:4", got)
}

func TestVersionsRunSideBySide(t *testing.T) {
	t.Parallel()
	m := &mathService{}
	e := newEnv(t, func(w *worker.Worker) {
		registerMath(w, m)
		require.NoError(t, w.RegisterWorkflow(workflow.Define("flow", waitThenAdd)))
	})
	ctx := ctxT(t)
	old, err := e.client.Start(ctx, client.StartParams{Workflow: "flow"})
	require.NoError(t, err)
	waitFor(t, e.client, old, func(d *client.Description) bool { return d.Steps == 1 && d.PendingTasks == 0 })

	require.NoError(t, e.worker.Stop())
	e.worker = e.startWorker(func(w *worker.Worker) {
		registerMath(w, m)
		require.NoError(t, w.RegisterWorkflow(
			workflow.Define("flow", waitThenAdd, workflow.Version(1)),
			workflow.Define("flow", changed, workflow.Version(2)),
		))
	})
	fresh, err := e.client.Start(ctx, client.StartParams{Workflow: "flow"})
	require.NoError(t, err)
	d := waitFor(t, e.client, fresh, func(d *client.Description) bool { return d.Version != 0 })
	require.Equal(t, 2, d.Version)

	n, err := e.client.Signal(ctx, client.Target{ID: old}, "go", "x")
	require.NoError(t, err)
	require.Equal(t, 1, n)
	_, err = e.client.Signal(ctx, client.Target{ID: fresh}, "go", "x")
	require.NoError(t, err)
	gotOld, err := client.Result[string](ctx, e.client, old)
	require.NoError(t, err)
	require.Equal(t, "v1:4", gotOld, "the old instance finishes on version 1")
	gotNew, err := client.Result[string](ctx, e.client, fresh)
	require.NoError(t, err)
	require.Equal(t, "changed", gotNew, "new instances take the newest version")
}

func TestUndecodableMessageBecomesDeadLetter(t *testing.T) {
	t.Parallel()
	m := &mathService{}
	e := newEnv(t, func(w *worker.Worker) {
		registerMath(w, m)
		require.NoError(t, worker.RegisterWorkflow(w, "chain", chain))
	})
	ctx := ctxT(t)
	published := make(chan transport.Message, 4)
	sub, err := e.tr.Subscribe(ctx, &transport.SubscribeParams{Topic: "infgen.dead-letters", Subscription: "watch", Mode: transport.Shared,
		Handler: func(_ context.Context, d *transport.Delivery) error { published <- d.Message; return nil }})
	require.NoError(t, err)
	defer sub.Close()
	for _, topic := range []string{"workflow.chain", "service.math"} {
		require.NoError(t, e.tr.Publish(ctx, &transport.PublishParams{Topic: topic, Message: transport.Message{Key: "k", Payload: []byte("{not json")}}))
	}
	var dls []client.DeadLetter
	require.Eventually(t, func() bool {
		var err error
		dls, err = e.client.DeadLetters(ctx)
		return err == nil && len(dls) == 2
	}, 5*time.Second, 5*time.Millisecond)
	for _, dl := range dls {
		require.Contains(t, dl.Reason, "decode message")
		require.Equal(t, "{not json", string(dl.Payload))
		select { // a copy on the dead-letter topic, for watchers
		case m := <-published:
			var copied client.DeadLetter
			require.NoError(t, json.Unmarshal(m.Payload, &copied))
			require.Contains(t, []string{dls[0].ID, dls[1].ID}, copied.ID)
			require.Equal(t, copied.Reason, m.Headers["reason"])
		case <-time.After(5 * time.Second):
			require.FailNow(t, "no copy of the dead letter on infgen.dead-letters")
		}
	}
	// The worker is alive and well.
	got, err := client.Execute[int](ctx, e.client, client.StartParams{Workflow: "chain", Input: 2})
	require.NoError(t, err)
	require.Equal(t, 2, got)

	// Re-driving publishes the message again (here: it is set aside again).
	require.NoError(t, e.client.Redrive(ctx, dls[0].ID))
	require.Eventually(t, func() bool {
		now, err := e.client.DeadLetters(ctx)
		if err != nil || len(now) != 2 {
			return false
		}
		for _, dl := range now {
			if dl.ID == dls[0].ID {
				return false
			}
		}
		return strings.Contains(now[0].Reason+now[1].Reason, "decode message")
	}, 5*time.Second, 5*time.Millisecond)
}

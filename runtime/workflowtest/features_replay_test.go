package workflowtest_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
	"github.com/infgen/infgen/runtime/workflowtest"
)

// order is the code whose recorded history lives in
// testdata/select_cancel_update.json: it takes items by update, selects
// over a payment signal, a reminder timer and a task, cancels a timer and
// a scope once paid.
func order(ctx workflow.Context, n int) (string, error) { return orderFlow(ctx, n, true) }

func orderFlow(ctx workflow.Context, n int, cancelScope bool) (string, error) {
	items := 0
	workflow.HandleUpdate(ctx, "add", func(ctx workflow.Context, k int) (int, error) {
		items += k
		return items, nil
	}, workflow.WithValidator(func(k int) error {
		if k <= 0 {
			return errors.New("add at least one item")
		}
		return nil
	}))
	var log []string
	paid := false
	reminder := workflow.NewTimer(ctx, 24*time.Hour)
	followUp := workflow.NewTimer(ctx, 72*time.Hour)
	sctx, cancel := workflow.WithCancel(ctx)
	quote := workflow.Dispatch[*num](sctx, workflow.Call{Service: "math", Method: "Double", Codec: codec.JSON{}, Input: &num{N: n}})
	expiry := workflow.NewTimer(sctx, 48*time.Hour)
	sel := workflow.NewSelector(ctx,
		workflow.OnReceive(workflow.SignalChannel[string]("pay"), func(by string, err error) { log = append(log, "paid by "+by); paid = true }),
		workflow.OnReady(reminder, func(time.Time, error) { log = append(log, "reminded") }),
		workflow.OnReady(quote, func(q *num, err error) { log = append(log, fmt.Sprint("quote ", q.N)) }),
	)
	for !paid {
		sel.Select()
	}
	reminder.Cancel() // fired already: nothing to cancel
	followUp.Cancel()
	if cancelScope {
		cancel()
	}
	_, err := expiry.Await(ctx)
	var ce *workflow.CanceledError
	log = append(log, fmt.Sprint("expiry canceled: ", errors.As(err, &ce), "; items: ", items))
	return strings.Join(log, "; "), nil
}

const recordedFeatures = "testdata/select_cancel_update.json"

func TestRecordedSelectCancelAndUpdatesReplay(t *testing.T) {
	t.Parallel()
	def := workflow.Define("order", order)
	if *update {
		recordFeatures(t, def)
	}
	state, err := os.ReadFile(recordedFeatures)
	require.NoError(t, err, "run go test ./runtime/workflowtest -update to record it")
	require.NoError(t, workflowtest.Replay(def, state))

	// Code that no longer cancels the scope is caught at the recorded
	// cancel step.
	err = workflowtest.Replay(workflow.Define("order", func(ctx workflow.Context, n int) (string, error) { return orderFlow(ctx, n, false) }), state)
	require.ErrorContains(t, err, "history has cancel of step 3 (timer), code issued nothing (the code returned or blocked earlier)")
}

func recordFeatures(t *testing.T, def workflow.Definition) {
	env := workflowtest.NewEnv(t, func(w *worker.Worker) error {
		if err := w.RegisterService(worker.Service{Name: "math", Methods: []worker.Method{{Name: "Double", Handler: worker.Handle(codec.JSON{}, double)}}}); err != nil {
			return err
		}
		return w.RegisterWorkflow(def)
	})
	ref := workflow.Define("order", order)
	id := workflowtest.StartRef(env, ref, 21, client.StartParams{ID: "order-1"})
	n, err := workflowtest.Update[int](env, id, "add", 2)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	_, err = workflowtest.Update[int](env, id, "add", 0)
	require.ErrorIs(t, err, client.ErrUpdateRejected)
	env.Sleep(25 * time.Hour)
	env.Signal(id, "pay", "card")
	got, err := workflowtest.Result[string](env, id)
	require.NoError(t, err)
	require.Equal(t, "quote 42; reminded; paid by card; expiry canceled: true; items: 2", got)
	state, err := env.Client.State(t.Context(), id)
	require.NoError(t, err)
	var pretty bytes.Buffer
	require.NoError(t, json.Indent(&pretty, state, "", "  "))
	require.NoError(t, os.WriteFile(recordedFeatures, pretty.Bytes(), 0o644))
}

// remind schedules a reminder per update; strict refuses every request in
// its validator.
func remind(strict bool) func(ctx workflow.Context, _ struct{}) (string, error) {
	return func(ctx workflow.Context, _ struct{}) (string, error) {
		workflow.HandleUpdate(ctx, "remind", func(ctx workflow.Context, what string) (string, error) {
			return what, workflow.Sleep(ctx, time.Hour)
		}, workflow.WithValidator(func(string) error {
			if strict {
				return errors.New("no more reminders")
			}
			return nil
		}))
		_, err := workflow.SignalChannel[struct{}]("stop").Receive(ctx)
		return "stopped", err
	}
}

// TestReplayDoesNotValidateRecordedUpdates: a validator's decision is
// recorded, not replayed: a history where an update was accepted replays
// with code whose validator would now refuse it, even when that update is
// in the last batch.
func TestReplayDoesNotValidateRecordedUpdates(t *testing.T) {
	t.Parallel()
	def := workflow.Define("remind", remind(false))
	env := workflowtest.NewEnv(t, func(w *worker.Worker) error { return w.RegisterWorkflow(def) })
	id := workflowtest.StartRef(env, def, struct{}{}, client.StartParams{ID: "remind"})
	go func() { // answered in an hour, which never comes here
		_, _ = env.Client.Update(t.Context(), client.UpdateParams{ID: id, Update: "remind", Input: "call", UpdateID: "u1"})
	}()
	var state []byte
	for !bytes.Contains(state, []byte(`"status":"accepted"`)) {
		var err error
		state, err = env.Client.State(t.Context(), id)
		require.NoError(t, err)
		time.Sleep(time.Millisecond)
	}
	require.NoError(t, workflowtest.Replay(def, state))
	require.NoError(t, workflowtest.Replay(workflow.Define("remind", remind(true)), state))
}

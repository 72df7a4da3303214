package workflow_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
	"github.com/infgen/infgen/runtime/workflowtest"
)

// account keeps a balance that deposits change, until it is closed.
func account(ctx workflow.Context, balance int) (int, error) {
	workflow.HandleUpdate(ctx, "deposit", func(ctx workflow.Context, amount int) (int, error) {
		if amount > 1000 {
			return 0, errors.New("deposits above 1000 need a review")
		}
		// A handler may wait like any workflow code.
		if err := workflow.Sleep(ctx, time.Millisecond); err != nil {
			return 0, err
		}
		balance += amount
		return balance, nil
	}, workflow.WithValidator(func(amount int) error {
		if amount <= 0 {
			return errors.New("the amount must be positive")
		}
		return nil
	}))
	workflow.HandleUpdate(ctx, "balance", func(ctx workflow.Context, _ struct{}) (int, error) { return balance, nil })
	_, err := workflow.SignalChannel[struct{}]("close").Receive(ctx)
	return balance, err
}

var Account = workflow.Define("account", account)

// history is the recorded part of a workflow's state: what replays.
func history(t *testing.T, c *client.Client, id string) string {
	t.Helper()
	raw, err := c.State(ctxT(t), id)
	require.NoError(t, err)
	var st struct {
		Batches  json.RawMessage `json:"batches"`
		Commands json.RawMessage `json:"commands"`
		Tasks    json.RawMessage `json:"tasks"`
		Timers   json.RawMessage `json:"timers"`
		Children json.RawMessage `json:"children"`
		Status   string          `json:"status"`
	}
	require.NoError(t, json.Unmarshal(raw, &st))
	b, err := json.Marshal(st)
	require.NoError(t, err)
	return string(b)
}

func TestUpdateIsValidatedAcceptedAndAnswered(t *testing.T) {
	t.Parallel()
	env := workflowtest.NewEnv(t, func(w *worker.Worker) error { return w.RegisterWorkflow(Account) })
	id := workflowtest.StartRef(env, Account, 100, client.StartParams{ID: "acct-1"})

	got, err := workflowtest.Update[int](env, id, "deposit", 50)
	require.NoError(t, err)
	require.Equal(t, 150, got)

	// A handler's error is the update's, not the workflow's.
	_, err = workflowtest.Update[int](env, id, "deposit", 5000)
	var ue *client.UpdateError
	require.ErrorAs(t, err, &ue)
	require.False(t, ue.Rejected)
	require.NotErrorIs(t, err, client.ErrUpdateRejected)
	require.ErrorIs(t, err, client.ErrUpdateFailed)
	require.ErrorContains(t, err, "deposits above 1000 need a review")

	env.Signal(id, "close", struct{}{})
	total, err := workflowtest.Result[int](env, id)
	require.NoError(t, err)
	require.Equal(t, 150, total)

	// The history replays: accepted updates run their handlers again.
	state, err := env.Client.State(ctxT(t), id)
	require.NoError(t, err)
	require.NoError(t, workflowtest.Replay(Account, state))

	// A finished workflow takes no update.
	_, err = workflowtest.Update[int](env, id, "deposit", 1)
	require.ErrorIs(t, err, client.ErrFinished)
}

func TestRejectedUpdateLeavesStateUnchanged(t *testing.T) {
	t.Parallel()
	env := workflowtest.NewEnv(t, func(w *worker.Worker) error { return w.RegisterWorkflow(Account) })
	id := workflowtest.StartRef(env, Account, 100, client.StartParams{ID: "acct-2"})
	_, err := workflowtest.Update[int](env, id, "deposit", 10)
	require.NoError(t, err)
	before := history(t, env.Client, id)
	desc, err := env.Client.Describe(ctxT(t), id)
	require.NoError(t, err)

	for name, in := range map[string]any{
		"deposit":  -5,       // the validator refuses it
		"withdraw": 5,        // no handler
		"balance":  "not {}", // the input does not decode
	} {
		_, err := workflowtest.Update[int](env, id, name, in)
		var ue *client.UpdateError
		require.ErrorAs(t, err, &ue, name)
		require.True(t, ue.Rejected, name)
		require.ErrorIs(t, err, client.ErrUpdateRejected, name)
		require.Equal(t, before, history(t, env.Client, id), "a rejected %s changed the history", name)
	}
	_, err = workflowtest.Update[int](env, id, "deposit", -5)
	require.ErrorContains(t, err, "the amount must be positive")

	after, err := env.Client.Describe(ctxT(t), id)
	require.NoError(t, err)
	require.Equal(t, desc.Steps, after.Steps)
	got, err := workflowtest.Update[int](env, id, "balance", struct{}{})
	require.NoError(t, err)
	require.Equal(t, 110, got)
}

func TestUpdateSurvivesAWorkerRestartOnTheEmbeddedStore(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.db")
	ctx := ctxT(t)

	// First process: the workflow starts and takes a deposit; then the
	// worker stops, and a deposit is sent while no worker runs.
	rt, err := local.Open(path)
	require.NoError(t, err)
	w, err := rt.NewWorker(worker.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	require.NoError(t, w.RegisterWorkflow(Account))
	require.NoError(t, w.Start(ctx))
	c, err := rt.NewClient(ctx)
	require.NoError(t, err)
	id, err := client.StartRef(ctx, c, Account, 100, client.StartParams{ID: "acct-3"})
	require.NoError(t, err)
	got, err := client.Update[int](ctx, c, id, "deposit", 50)
	require.NoError(t, err)
	require.Equal(t, 150, got)
	require.NoError(t, w.Stop())

	sent, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		_, err := c.Update(sent, client.UpdateParams{ID: id, Update: "deposit", Input: 25, UpdateID: "deposit-2"})
		done <- err
	}()
	waitFor(t, func() bool {
		raw, err := c.State(ctx, id)
		return err == nil && containsUpdate(raw, "deposit-2")
	})
	cancel()
	require.ErrorIs(t, <-done, context.Canceled, "no worker runs: the update cannot be answered yet")
	require.NoError(t, c.Close())
	require.NoError(t, rt.Close())

	// Second process: a new worker replays the history (the first deposit
	// included) and answers the stored request; asking again with the same
	// update id waits for that answer instead of depositing twice.
	rt, err = local.Open(path)
	require.NoError(t, err)
	defer rt.Close()
	w, err = rt.NewWorker(worker.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	require.NoError(t, w.RegisterWorkflow(Account))
	require.NoError(t, w.Start(ctx))
	defer w.Stop()
	c, err = rt.NewClient(ctx)
	require.NoError(t, err)
	defer c.Close()
	raw, err := c.Update(ctx, client.UpdateParams{ID: id, Update: "deposit", Input: 25, UpdateID: "deposit-2"})
	require.NoError(t, err)
	require.JSONEq(t, "175", string(raw))
	got, err = client.Update[int](ctx, c, id, "deposit", 5)
	require.NoError(t, err)
	require.Equal(t, 180, got)
	got, err = client.Update[int](ctx, c, id, "balance", struct{}{})
	require.NoError(t, err)
	require.Equal(t, 180, got)
}

func containsUpdate(state []byte, updateID string) bool {
	var st struct {
		Updates map[string]json.RawMessage `json:"updates"`
	}
	return json.Unmarshal(state, &st) == nil && st.Updates[updateID] != nil
}

// waitFor polls cond until it holds (the test's deadline bounds the wait).
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	ctx := ctxT(t)
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatal("the condition did not hold before the test's deadline")
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// TestUpdateUnansweredWhenTheWorkflowEndsFails: an accepted update whose
// handler still waits when the workflow returns fails, with the reason.
func TestUpdateUnansweredWhenTheWorkflowEndsFails(t *testing.T) {
	t.Parallel()
	def := workflow.Define("update.ends", func(ctx workflow.Context, _ struct{}) (string, error) {
		workflow.HandleUpdate(ctx, "slow", func(ctx workflow.Context, _ struct{}) (string, error) {
			return "late", workflow.Sleep(ctx, time.Hour)
		})
		_, err := workflow.SignalChannel[struct{}]("stop").Receive(ctx)
		return "stopped", err
	})
	env := workflowtest.NewEnv(t, func(w *worker.Worker) error { return w.RegisterWorkflow(def) })
	id := workflowtest.StartRef(env, def, struct{}{}, client.StartParams{ID: "ends"})
	answer := make(chan error, 1)
	go func() {
		_, err := env.Client.Update(ctxT(t), client.UpdateParams{ID: id, Update: "slow", Input: struct{}{}, UpdateID: "u1"})
		answer <- err
	}()
	waitFor(t, func() bool {
		raw, err := env.Client.State(ctxT(t), id)
		return err == nil && updateStatus(raw, "u1") == "accepted"
	})
	env.Signal(id, "stop", struct{}{})
	out, err := workflowtest.Result[string](env, id)
	require.NoError(t, err)
	require.Equal(t, "stopped", out)
	err = <-answer
	require.ErrorIs(t, err, client.ErrUpdateFailed)
	require.ErrorContains(t, err, "the workflow ended (completed) before answering the update")
}

// TestUndecidedUpdateGoesToTheNextRun: a request that arrives with the
// signal on which the workflow continues as new, before it could look at
// it, is answered by the next run.
func TestUndecidedUpdateGoesToTheNextRun(t *testing.T) {
	t.Parallel()
	def := workflow.Define("update.continues", func(ctx workflow.Context, run int) (int, error) {
		workflow.HandleUpdate(ctx, "run", func(ctx workflow.Context, _ struct{}) (int, error) { return run, nil })
		if _, err := workflow.SignalChannel[struct{}]("next").Receive(ctx); err != nil {
			return 0, err
		}
		if run == 1 {
			return 0, workflow.ContinueAsNew(ctx, run+1)
		}
		return run, nil
	})
	ctx := ctxT(t)
	rt, err := local.Open("")
	require.NoError(t, err)
	defer rt.Close()
	start := func() *worker.Worker {
		w, err := rt.NewWorker(worker.Options{Recover: worker.RecoverAlways, Logger: slog.New(slog.DiscardHandler)})
		require.NoError(t, err)
		require.NoError(t, w.RegisterWorkflow(def))
		require.NoError(t, w.Start(ctx))
		return w
	}
	w := start()
	c, err := rt.NewClient(ctx)
	require.NoError(t, err)
	defer c.Close()
	id, err := client.StartRef(ctx, c, def, 1, client.StartParams{ID: "continues"})
	require.NoError(t, err)
	got, err := client.Update[int](ctx, c, id, "run", struct{}{})
	require.NoError(t, err)
	require.Equal(t, 1, got)

	// With no worker, the signal and the update wait in one inbox: the
	// first run reads the signal and continues as new before deciding on
	// the update.
	require.NoError(t, w.Stop())
	_, err = c.Signal(ctx, client.Target{ID: id}, "next", struct{}{})
	require.NoError(t, err)
	answer := make(chan int, 1)
	go func() {
		n, err := client.Update[int](ctx, c, id, "run", struct{}{})
		if err != nil {
			n = -1
		}
		answer <- n
	}()
	waitFor(t, func() bool {
		raw, err := c.State(ctx, id)
		return err == nil && bytes.Count(raw, []byte(`"requested"`)) == 1
	})
	w = start()
	defer w.Stop()
	require.Equal(t, 2, <-answer, "the second run answers")
	d, err := c.Describe(ctx, id)
	require.NoError(t, err)
	require.Equal(t, 2, d.Run)
}

func updateStatus(state []byte, updateID string) string {
	var st struct {
		Updates map[string]struct {
			Status string `json:"status"`
		} `json:"updates"`
	}
	if json.Unmarshal(state, &st) != nil {
		return ""
	}
	return st.Updates[updateID].Status
}

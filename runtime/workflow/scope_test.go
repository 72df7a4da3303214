package workflow_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/service"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
	"github.com/infgen/infgen/runtime/workflowtest"
)

// waitForever is a child workflow that waits for a signal nobody sends.
func waitForever(ctx workflow.Context, _ struct{}) (string, error) {
	return workflow.SignalChannel[string]("never").Receive(ctx)
}

var Forever = workflow.Define("scope.forever", waitForever)

// slowQuote is a service call that fails and asks to be retried in a day.
func slowQuote(ctx workflow.Context) workflow.Deferred[*int] {
	return workflow.Dispatch[*int](ctx, workflow.Call{Service: "quotes", Method: "Get", Codec: codec.JSON{}, Input: 1})
}

type quotes struct{ calls atomic.Int64 }

func (q *quotes) Get(context.Context, *int) (*int, error) {
	q.calls.Add(1)
	return nil, service.Retryable(errors.New("busy"), 24*time.Hour)
}

// describeErr names what an error is, for comparing outcomes.
func describeErr(err error) string {
	var ce *workflow.CanceledError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &ce):
		return "canceled"
	}
	return "error: " + err.Error()
}

// cancelScope starts a task, a timer, a child, a branch and a nested scope
// in a scope, cancels it after a minute and reports what each became.
func cancelScope(ctx workflow.Context, _ struct{}) (string, error) { return scopeFlow(ctx, true) }

func scopeFlow(ctx workflow.Context, cancelIt bool) (string, error) {
	sctx, cancel := workflow.WithCancel(ctx)
	inner, cancelInner := workflow.WithCancel(sctx)
	defer cancelInner()
	task := slowQuote(sctx)
	timer := workflow.NewTimer(sctx, time.Hour)
	child := Forever.Dispatch(sctx, struct{}{}, workflow.WithChildID("forever"))
	branch := workflow.Go(sctx, func(ctx workflow.Context) (string, error) {
		return "", workflow.Sleep(ctx, 2*time.Hour)
	})
	nested := workflow.NewTimer(inner, 3*time.Hour)
	outside := workflow.NewTimer(ctx, 4*time.Hour) // not in the scope

	if err := workflow.Sleep(ctx, time.Minute); err != nil {
		return "", err
	}
	before := fmt.Sprint(sctx.Err() == nil, workflow.Select(ctx, workflow.OnReady(sctx.Done(), nil), workflow.OnReady(workflow.Ready(0), nil)))
	if !cancelIt {
		return before, nil
	}
	cancel()
	cancel() // again: nothing more

	var out []string
	out = append(out, "before "+before)
	_, err := task.Await(ctx)
	out = append(out, "task "+describeErr(err))
	_, err = timer.Await(ctx)
	out = append(out, "timer "+describeErr(err))
	_, err = child.Await(ctx)
	out = append(out, "child "+describeErr(err))
	_, err = branch.Await(ctx)
	out = append(out, "branch "+describeErr(err))
	_, err = nested.Await(ctx)
	out = append(out, "nested "+describeErr(err))
	_, err = sctx.Done().Await(ctx)
	out = append(out, "done "+describeErr(err)+" err "+describeErr(sctx.Err()))
	// Work started in a canceled scope does not start.
	out = append(out, "after "+describeErr(workflow.Sleep(sctx, time.Second)))
	_, err = workflow.SignalChannel[string]("x").Receive(sctx)
	out = append(out, "receive "+describeErr(err))
	// The scope's cancellation does not reach the workflow's own context.
	_, err = outside.Await(ctx)
	out = append(out, "outside "+describeErr(err)+" root "+describeErr(ctx.Err()))
	return strings.Join(out, "; "), nil
}

func TestCancelingAScopeCancelsWhatWasStartedInIt(t *testing.T) {
	t.Parallel()
	def := workflow.Define("scope.cancel", cancelScope)
	q := &quotes{}
	env := workflowtest.NewEnv(t, func(w *worker.Worker) error {
		if err := w.RegisterService(worker.Service{Name: "quotes", Methods: []worker.Method{
			{Name: "Get", Handler: worker.Handle(codec.JSON{}, q.Get)},
		}}); err != nil {
			return err
		}
		return w.RegisterWorkflow(def, Forever)
	})
	id := workflowtest.StartRef(env, def, struct{}{}, client.StartParams{ID: "scope"})
	got, err := workflowtest.Result[string](env, id)
	require.NoError(t, err)
	require.Equal(t, "before true 1; task canceled; timer canceled; child canceled; branch canceled; nested canceled; "+
		"done canceled err canceled; after canceled; receive canceled; outside ok root ok", got)

	// The child workflow was canceled; the task was not retried (its retry
	// was due a day later, long passed); the canceled timers never fired.
	d, err := env.Client.Describe(ctxT(t), "forever")
	require.NoError(t, err)
	require.Equal(t, client.Canceled, d.Status)
	env.Sleep(48 * time.Hour)
	require.EqualValues(t, 1, q.calls.Load(), "an abandoned task is not retried")
	raw, err := env.Client.State(ctxT(t), id)
	require.NoError(t, err)
	var st struct {
		Batches []struct {
			Events []struct {
				Kind string `json:"kind"`
				Seq  int    `json:"seq"`
			} `json:"events"`
		} `json:"batches"`
		Commands []struct {
			Seq    int    `json:"seq"`
			Kind   string `json:"kind"`
			Target int    `json:"target"`
		} `json:"commands"`
	}
	require.NoError(t, json.Unmarshal(raw, &st))
	canceled := map[int]bool{}
	for _, c := range st.Commands {
		if c.Kind == "cancel" {
			canceled[c.Target] = true
		}
	}
	require.Len(t, canceled, 5, "task, timer, child, the branch's sleep, the nested timer: %+v", st.Commands)
	for _, b := range st.Batches {
		for _, ev := range b.Events {
			require.False(t, canceled[ev.Seq] && ev.Kind != "started", "canceled step %d got %s", ev.Seq, ev.Kind)
		}
	}

	// The recorded history replays, canceling the same steps at the same
	// point; code that does not cancel is caught.
	require.NoError(t, workflowtest.Replay(def, raw))
	noCancel := workflow.Define("scope.cancel", func(ctx workflow.Context, _ struct{}) (string, error) { return scopeFlow(ctx, false) })
	err = workflowtest.Replay(noCancel, raw)
	require.ErrorContains(t, err, "history has cancel of step 0 (quotes.Get), code issued cancel of step 3 (timer)")
}

func TestCanceledTimerNeverFires(t *testing.T) {
	t.Parallel()
	def := workflow.Define("timer.cancel", func(ctx workflow.Context, _ struct{}) (string, error) {
		t := workflow.NewTimer(ctx, time.Hour)
		kept := workflow.NewTimer(ctx, 2*time.Hour)
		if err := workflow.Sleep(ctx, time.Minute); err != nil {
			return "", err
		}
		t.Cancel()
		t.Cancel()
		_, err := t.Await(ctx)
		first := describeErr(err)
		// Past both due times: the canceled timer stays canceled.
		i := workflow.Select(ctx, workflow.OnReady(t, nil), workflow.OnReady(kept, nil))
		at, err := kept.Await(ctx)
		kept.Cancel() // fired: nothing to cancel
		return fmt.Sprint(first, " ", i, " ", describeErr(err), " ", !at.IsZero()), nil
	})
	keepsTimer := workflow.Define("timer.cancel", func(ctx workflow.Context, _ struct{}) (string, error) {
		t := workflow.NewTimer(ctx, time.Hour)
		_ = workflow.NewTimer(ctx, 2*time.Hour)
		if err := workflow.Sleep(ctx, time.Minute); err != nil {
			return "", err
		}
		_, err := t.Await(ctx)
		return describeErr(err), nil
	})
	env := workflowtest.NewEnv(t, func(w *worker.Worker) error { return w.RegisterWorkflow(def) })
	got, err := workflowtest.ExecuteRef(env, def, struct{}{}, client.StartParams{ID: "t"})
	require.NoError(t, err)
	require.Equal(t, "canceled 0 ok true", got)

	raw, err := env.Client.State(ctxT(t), "t")
	require.NoError(t, err)
	require.NotContains(t, string(raw), `{"kind":"timerFired","seq":0}`, "the canceled timer fired")
	require.Contains(t, string(raw), `{"seq":3,"kind":"cancel","name":"timer"}`, "the cancellation of step 0 is recorded")
	require.NoError(t, workflowtest.Replay(def, raw))
	err = workflowtest.Replay(keepsTimer, raw)
	require.ErrorContains(t, err, "not deterministic at step 3: history has cancel of step 0 (timer), code issued nothing")
}

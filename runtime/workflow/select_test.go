package workflow_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
	"github.com/infgen/infgen/runtime/workflowtest"
)

// firstOfTwoTimers starts a two-hour and a one-hour timer, sleeps until
// both fired, then selects: the one-hour timer fired first, so it is
// chosen although it is the second case.
func firstOfTwoTimers(ctx workflow.Context, _ struct{}) (string, error) {
	late := workflow.NewTimer(ctx, 2*time.Hour)
	early := workflow.NewTimer(ctx, time.Hour)
	if err := workflow.Sleep(ctx, 3*time.Hour); err != nil {
		return "", err
	}
	var got []string
	sel := workflow.NewSelector(ctx,
		workflow.OnReady(late, func(time.Time, error) { got = append(got, "late") }),
		workflow.OnReady(early, func(time.Time, error) { got = append(got, "early") }),
	)
	for sel.Select() >= 0 {
	}
	return strings.Join(got, ","), nil
}

// firstOfTwoTimersByIndex is the same code with AwaitAny, which prefers
// the lowest index.
func firstOfTwoTimersByIndex(ctx workflow.Context, _ struct{}) (string, error) {
	late := workflow.NewTimer(ctx, 2*time.Hour)
	early := workflow.NewTimer(ctx, time.Hour)
	if err := workflow.Sleep(ctx, 3*time.Hour); err != nil {
		return "", err
	}
	if i, _ := workflow.AwaitAny(ctx, late, early); i == 0 {
		return "late,early", nil
	}
	return "early,late", nil
}

// signalsAndTimer selects over a signal channel, a task and a timer until
// the timer fires, logging what it chose in order.
func signalsAndTimer(ctx workflow.Context, _ struct{}) ([]string, error) {
	var log []string
	done := false
	word := workflow.Go(ctx, func(ctx workflow.Context) (string, error) {
		if err := workflow.Sleep(ctx, 30*time.Minute); err != nil {
			return "", err
		}
		return "branch", nil
	})
	sel := workflow.NewSelector(ctx).
		Add(workflow.OnReceive(workflow.SignalChannel[string]("word"), func(w string, err error) { log = append(log, "signal "+w) })).
		Add(workflow.OnReady(word, func(w string, err error) { log = append(log, w) })).
		Add(workflow.OnReady(workflow.NewTimer(ctx, time.Hour), func(time.Time, error) { log = append(log, "timer"); done = true }))
	for !done {
		sel.Select()
	}
	return log, nil
}

func TestSelectChoosesWhatHappenedFirstAndReplays(t *testing.T) {
	t.Parallel()
	byOrder := workflow.Define("select.timers", firstOfTwoTimers)
	words := workflow.Define("select.words", signalsAndTimer)
	env := workflowtest.NewEnv(t, func(w *worker.Worker) error { return w.RegisterWorkflow(byOrder, words) })

	got, err := workflowtest.ExecuteRef(env, byOrder, struct{}{}, client.StartParams{ID: "timers"})
	require.NoError(t, err)
	require.Equal(t, "early,late", got)

	// Two signals before the start, one between the branch and the timer.
	id := workflowtest.StartRef(env, words, struct{}{}, client.StartParams{ID: "words"})
	env.Signal(id, "word", "a")
	env.Signal(id, "word", "b")
	env.Sleep(45 * time.Minute)
	env.Signal(id, "word", "c")
	log, err := workflowtest.Result[[]string](env, id)
	require.NoError(t, err)
	require.Equal(t, []string{"signal a", "signal b", "branch", "signal c", "timer"}, log)

	// The recorded histories replay, choosing the same; code that chooses
	// otherwise is caught.
	for _, c := range []struct {
		def workflow.Definition
		id  string
	}{{byOrder, "timers"}, {words, "words"}} {
		state, err := env.Client.State(ctxT(t), c.id)
		require.NoError(t, err)
		for range 3 {
			require.NoError(t, workflowtest.Replay(c.def, state), c.id)
		}
	}
	state, err := env.Client.State(ctxT(t), "timers")
	require.NoError(t, err)
	err = workflowtest.Replay(workflow.Define("select.timers", firstOfTwoTimersByIndex), state)
	require.ErrorContains(t, err, `output differs: recorded "early,late", replayed "late,early"`)
}

func TestSelectReturnsMinusOneWhenNothingIsLeft(t *testing.T) {
	t.Parallel()
	def := workflow.Define("select.drain", func(ctx workflow.Context, _ struct{}) (string, error) {
		sel := workflow.NewSelector(ctx, workflow.OnReady(workflow.Ready(1), nil), workflow.SelectCase{}, workflow.OnReady(workflow.Ready(2), nil))
		return fmt.Sprint(sel.Ready(), sel.Select(), sel.Select(), sel.Ready(), sel.Select()), nil
	})
	env := workflowtest.NewEnv(t, func(w *worker.Worker) error { return w.RegisterWorkflow(def) })
	got, err := workflowtest.ExecuteRef(env, def, struct{}{}, client.StartParams{})
	require.NoError(t, err)
	require.Equal(t, "true 0 2 false -1", got)
}

package workflowtest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/retry"
	"github.com/infgen/infgen/runtime/service"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
	"github.com/infgen/infgen/runtime/workflowtest"
)

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// monthly sleeps thirty days n times and reports the workflow time of each
// wake-up.
func monthly(ctx workflow.Context, n int) ([]time.Time, error) {
	var woke []time.Time
	for range n {
		if err := workflow.Sleep(ctx, 30*24*time.Hour); err != nil {
			return nil, err
		}
		woke = append(woke, workflow.Now(ctx))
	}
	return woke, nil
}

func TestEnvSkipsMonthsOfTimers(t *testing.T) {
	t.Parallel()
	env := workflowtest.NewEnv(t, func(w *worker.Worker) error {
		return worker.RegisterWorkflow(w, "monthly", monthly)
	}, workflowtest.WithStartTime(epoch))
	began := time.Now()
	woke, err := workflowtest.Execute[[]time.Time](env, client.StartParams{Workflow: "monthly", Input: 12})
	require.NoError(t, err)
	require.Len(t, woke, 12)
	for i, at := range woke {
		due := epoch.Add(time.Duration(i+1) * 30 * 24 * time.Hour)
		require.False(t, at.Before(due), "wake-up %d at %s, before %s", i, at, due)
		require.Less(t, at.Sub(due), time.Minute, "wake-up %d at %s, long after %s", i, at, due)
	}
	require.Less(t, time.Since(began), 10*time.Second, "a year of timers took %s of real time", time.Since(began))
}

// waitForApproval waits a day for an approval signal.
func waitForApproval(ctx workflow.Context, _ struct{}) (string, error) {
	v, ok, err := workflow.SignalChannel[string]("approve").ReceiveTimeout(ctx, 24*time.Hour)
	if err != nil || !ok {
		return "timed out", err
	}
	return "approved by " + v, nil
}

func TestEnvSleepThenSignal(t *testing.T) {
	t.Parallel()
	register := func(w *worker.Worker) error { return worker.RegisterWorkflow(w, "approval", waitForApproval) }

	env := workflowtest.NewEnv(t, register)
	id := env.Start(client.StartParams{Workflow: "approval"})
	env.Sleep(12 * time.Hour)
	env.Signal(id, "approve", "ada")
	got, err := workflowtest.Result[string](env, id)
	require.NoError(t, err)
	require.Equal(t, "approved by ada", got, "a signal half a day in beats the one-day timeout")

	env = workflowtest.NewEnv(t, register)
	id = env.Start(client.StartParams{Workflow: "approval"})
	start := env.Now()
	env.Sleep(25 * time.Hour)
	require.GreaterOrEqual(t, env.Now().Sub(start), 25*time.Hour)
	d, err := env.Client.Describe(context.Background(), id)
	require.NoError(t, err)
	require.Equal(t, client.Completed, d.Status, "the one-day timeout fired during the 25 hours")
	got, err = workflowtest.Result[string](env, id)
	require.NoError(t, err)
	require.Equal(t, "timed out", got)
}

func TestEnvReportsAWorkflowNothingWillWake(t *testing.T) {
	t.Parallel()
	env := workflowtest.NewEnv(t, func(w *worker.Worker) error {
		return worker.RegisterWorkflow(w, "forever", func(ctx workflow.Context, _ struct{}) (string, error) {
			return workflow.SignalChannel[string]("never").Receive(ctx)
		})
	})
	_, err := workflowtest.Execute[string](env, client.StartParams{Workflow: "forever", ID: "f-1"})
	require.ErrorContains(t, err, "f-1 (forever) waits and nothing will wake it")
}

type attemptIn struct{}
type attemptOut struct{ Attempt int }

// TestEnvSkipsRetryBackOff retries a failing task with an hour of back-off:
// the workflow sees the third attempt succeed, hours of virtual time later.
func TestEnvSkipsRetryBackOff(t *testing.T) {
	t.Parallel()
	flaky := func(ctx context.Context, _ *attemptIn) (*attemptOut, error) {
		task, _ := service.TaskFrom(ctx)
		if task.Attempt < 3 {
			return nil, service.Retryable(errors.New("try later"), 0)
		}
		return &attemptOut{Attempt: task.Attempt}, nil
	}
	env := workflowtest.NewEnv(t, func(w *worker.Worker) error {
		err := w.RegisterService(worker.Service{Name: "flaky", Methods: []worker.Method{
			{Name: "Do", Handler: worker.Handle(codec.JSON{}, flaky)},
		}}, worker.WithRetry(retry.Policy{MaxAttempts: 5, Initial: time.Hour, Multiplier: 2, Max: 4 * time.Hour}))
		if err != nil {
			return err
		}
		return worker.RegisterWorkflow(w, "retrying", func(ctx workflow.Context, _ struct{}) (int, error) {
			out, err := workflow.Dispatch[*attemptOut](ctx, workflow.Call{Service: "flaky", Method: "Do", Codec: codec.JSON{}, Input: &attemptIn{}}).Await(ctx)
			if err != nil {
				return 0, err
			}
			return out.Attempt, nil
		})
	})
	start := env.Now()
	got, err := workflowtest.Execute[int](env, client.StartParams{Workflow: "retrying"})
	require.NoError(t, err)
	require.Equal(t, 3, got)
	require.GreaterOrEqual(t, env.Now().Sub(start), 3*time.Hour, "back-offs of one, then two hours")
}

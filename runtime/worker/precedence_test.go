package worker_test

import (
	"context"
	"errors"
	"fmt"
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

// Each layer of the precedence sets a policy and a timeout of its own, so
// that the outcome tells which one applied: the attempts a task made before
// failing for good, and the deadline it ran under.
var (
	callLayer    = retry.Settings{Policy: hourly(2), Timeout: 10 * time.Minute}
	methodLayer  = retry.Settings{Policy: hourly(3), Timeout: 20 * time.Minute}
	specLayer    = retry.Settings{Policy: hourly(4), Timeout: 30 * time.Minute}
	serviceLayer = retry.Settings{Policy: hourly(6), Timeout: 40 * time.Minute}
)

// hourly retries n times an hour apart: only a virtual clock makes that
// fast.
func hourly(n int) *retry.Policy {
	return &retry.Policy{MaxAttempts: n, Initial: time.Hour, Multiplier: 1, Max: time.Hour}
}

type probeInput struct{ CallOptions bool }

// probeResult is what the probe workflow saw of its two tasks.
type probeResult struct {
	Attempts       int // of a task that always fails
	TimeoutMinutes int // of a task reporting its deadline
}

type deadlineOutput struct{ Minutes int }

// probe calls a task that always fails and one that reports its deadline,
// with the call layer's options when asked.
func probe(ctx workflow.Context, in probeInput) (probeResult, error) {
	var opts []workflow.CallOption
	if in.CallOptions {
		opts = append(opts, workflow.WithRetry(*callLayer.Policy), workflow.WithTimeout(callLayer.Timeout))
	}
	_, err := workflow.Dispatch[*struct{}](ctx, workflow.Call{Service: "probe", Method: "Fail", Codec: codec.JSON{}}, opts...).Await(ctx)
	var failed *workflow.TaskError
	if !errors.As(err, &failed) {
		return probeResult{}, fmt.Errorf("want a TaskError from Fail, got %v", err)
	}
	dl, err := workflow.Dispatch[*deadlineOutput](ctx, workflow.Call{Service: "probe", Method: "Deadline", Codec: codec.JSON{}}, opts...).Await(ctx)
	if err != nil {
		return probeResult{}, err
	}
	return probeResult{Attempts: failed.Attempts, TimeoutMinutes: dl.Minutes}, nil
}

// registerProbe registers the probe service as generated code does (the
// spec layer is the methods' own Retry and Timeout) with the worker options
// opts (the configuration layers).
func registerProbe(w *worker.Worker, spec retry.Settings, opts ...worker.ServiceOption) error {
	fail := func(context.Context, *struct{}) (*struct{}, error) {
		return nil, service.Retryable(errors.New("unavailable"), 0)
	}
	deadline := func(ctx context.Context, _ *struct{}) (*deadlineOutput, error) {
		dl, ok := ctx.Deadline()
		if !ok {
			return nil, service.Permanentf("the task runs without a deadline")
		}
		return &deadlineOutput{Minutes: int(time.Until(dl).Round(time.Minute) / time.Minute)}, nil
	}
	return w.RegisterService(worker.Service{Name: "probe", Methods: []worker.Method{
		{Name: "Fail", Handler: worker.Handle(codec.JSON{}, fail), Retry: spec.Policy, Timeout: spec.Timeout},
		{Name: "Deadline", Handler: worker.Handle(codec.JSON{}, deadline), Retry: spec.Policy, Timeout: spec.Timeout},
	}}, opts...)
}

// TestRetryAndTimeoutPrecedence checks the one precedence, per-call option >
// per-method config > spec-derived default > per-service config > runtime
// default, end to end: each case sets the layer under test and every layer
// below it, so that each adjacent pair is decided once, and the first case
// is the full chain.
func TestRetryAndTimeoutPrecedence(t *testing.T) {
	t.Parallel()
	methodOpts := []worker.ServiceOption{
		worker.WithMethodRetry("Fail", *methodLayer.Policy), worker.WithMethodTimeout("Fail", methodLayer.Timeout),
		worker.WithMethodRetry("Deadline", *methodLayer.Policy), worker.WithMethodTimeout("Deadline", methodLayer.Timeout),
	}
	serviceOpts := []worker.ServiceOption{worker.WithRetry(*serviceLayer.Policy), worker.WithTimeout(serviceLayer.Timeout)}
	cases := []struct {
		name  string
		call  bool
		spec  retry.Settings
		opts  []worker.ServiceOption
		want  retry.Settings
		wantN int
	}{
		{"per-call option over per-method config", true, specLayer, append(methodOpts, serviceOpts...), callLayer, 2},
		{"per-method config over spec-derived default", false, specLayer, append(methodOpts, serviceOpts...), methodLayer, 3},
		{"spec-derived default over per-service config", false, specLayer, serviceOpts, specLayer, 4},
		{"per-service config over runtime default", false, retry.Settings{}, serviceOpts, serviceLayer, 6},
		{"runtime default", false, retry.Settings{}, nil, retry.Settings{Timeout: retry.DefaultTimeout}, retry.Default().MaxAttempts},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := workflowtest.NewEnv(t, func(w *worker.Worker) error {
				if err := registerProbe(w, tc.spec, tc.opts...); err != nil {
					return err
				}
				return worker.RegisterWorkflow(w, "probe", probe)
			})
			got, err := workflowtest.Execute[probeResult](env, client.StartParams{Workflow: "probe", Input: probeInput{CallOptions: tc.call}})
			require.NoError(t, err)
			require.Equal(t, tc.wantN, got.Attempts, "attempts: the retry policy of the wrong layer applied")
			require.Equal(t, int(tc.want.Timeout/time.Minute), got.TimeoutMinutes, "timeout: the wrong layer applied")
		})
	}
}

// TestMethodConfigOfAnUnknownMethodIsAnError: a per-method setting for a
// method the service does not have (a typo in worker.yaml) is refused.
func TestMethodConfigOfAnUnknownMethodIsAnError(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(*worker.Worker) {})
	w, err := worker.New(worker.Options{Transport: e.tr, Storage: e.store})
	require.NoError(t, err)
	err = registerProbe(w, retry.Settings{}, worker.WithMethodTimeout("Fial", time.Second))
	require.ErrorContains(t, err, `per-method retry or timeout configured for "Fial", which is not a method of it (methods: Deadline, Fail)`)
}

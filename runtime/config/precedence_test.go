package config_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/config"
	"github.com/infgen/infgen/runtime/retry"
	"github.com/infgen/infgen/runtime/service"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
	"github.com/infgen/infgen/runtime/workflowtest"
)

const layered = `
services:
  probe:
    url: http://127.0.0.1:1
    retry:
      max_attempts: 6
      initial: 1h
    methods:
      Configured:
        retry:
          max_attempts: 3
          initial: 1h
`

// TestConfigTakesItsPlaceInThePrecedence registers a service whose methods
// all declare a spec-derived policy of 4 attempts but one, under a file
// that sets a service policy of 6 attempts and a method policy of 3: the
// method's configuration beats the spec, the spec beats the service's
// configuration, which applies where the spec says nothing.
func TestConfigTakesItsPlaceInThePrecedence(t *testing.T) {
	t.Parallel()
	cfg, err := config.Parse("worker.yaml", []byte(layered))
	require.NoError(t, err)
	svc, err := cfg.Service("probe", "INFGEN_TEST_PROBE_URL_UNSET")
	require.NoError(t, err)

	fail := worker.Handle(codec.JSON{}, func(context.Context, *struct{}) (*struct{}, error) {
		return nil, service.Retryable(errors.New("unavailable"), 0)
	})
	spec := &retry.Policy{MaxAttempts: 4, Initial: time.Hour}
	attempts := func(ctx workflow.Context, method string) (int, error) {
		_, err := workflow.Dispatch[*struct{}](ctx, workflow.Call{Service: "probe", Method: method}).Await(ctx)
		var failed *workflow.TaskError
		if !errors.As(err, &failed) {
			return 0, err
		}
		return failed.Attempts, nil
	}
	env := workflowtest.NewEnv(t, func(w *worker.Worker) error {
		err := w.RegisterService(worker.Service{Name: "probe", Methods: []worker.Method{
			{Name: "Configured", Handler: fail, Retry: spec},
			{Name: "FromSpec", Handler: fail, Retry: spec},
			{Name: "Unspecified", Handler: fail},
		}}, svc.Options()...)
		if err != nil {
			return err
		}
		return worker.RegisterWorkflow(w, "attempts", attempts)
	})
	for method, want := range map[string]int{"Configured": 3, "FromSpec": 4, "Unspecified": 6} {
		got, err := workflowtest.Execute[int](env, client.StartParams{Workflow: "attempts", Input: method})
		require.NoError(t, err)
		require.Equal(t, want, got, "attempts of %s", method)
	}
}

// TestUnsetConfigSetsNothing: a service entry with only its URL gives no
// option, so that the spec's and the runtime's defaults apply.
func TestUnsetConfigSetsNothing(t *testing.T) {
	t.Parallel()
	cfg, err := config.Parse("worker.yaml", []byte("services:\n  probe:\n    url: http://x\n    methods:\n      A: {}\n"))
	require.NoError(t, err)
	require.Empty(t, cfg.Services["probe"].Options())
}

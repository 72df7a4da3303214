package local_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/admin"
	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/internal/message"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/retry"
	"github.com/infgen/infgen/runtime/service"
	"github.com/infgen/infgen/runtime/transport"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

type meteredIn struct{ Fail bool }
type meteredOut struct{ OK bool }

// TestMetricsOnTheAdminAPI runs workflows on the embedded default and reads
// /metrics from the admin API over HTTP: the counters of started and
// finished runs, of task attempts by outcome, the task histograms, the
// pending timers and the dead letters, with their labels; and the endpoint
// keeps the admin API's bearer token.
func TestMetricsOnTheAdminAPI(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rt, err := local.Open(filepath.Join(t.TempDir(), "metrics.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = rt.Close() })
	addr, err := rt.ServeAdmin(ctx, admin.Options{Token: "s3cret", Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	w, err := rt.NewWorker(worker.Options{Logger: slog.New(slog.DiscardHandler), Admin: addr})
	require.NoError(t, err)
	var calls atomic.Int64
	require.NoError(t, w.RegisterService(worker.Service{Name: "pay", Methods: []worker.Method{{
		Name: "Charge",
		Handler: worker.Handle(codec.JSON{}, func(_ context.Context, in *meteredIn) (*meteredOut, error) {
			if in.Fail {
				return nil, service.Permanent(errors.New("card declined"))
			}
			if calls.Add(1) == 1 {
				return nil, service.Retryable(errors.New("gateway busy"), 0)
			}
			return &meteredOut{OK: true}, nil
		}),
	}}}))
	policy := retry.Policy{MaxAttempts: 3, Initial: time.Millisecond, Max: time.Millisecond, Multiplier: 1}
	require.NoError(t, worker.RegisterWorkflow(w, "billing", func(ctx workflow.Context, in meteredIn) (bool, error) {
		if err := workflow.Sleep(ctx, time.Millisecond); err != nil {
			return false, err
		}
		out, err := workflow.Dispatch[*meteredOut](ctx, workflow.Call{Service: "pay", Method: "Charge", Input: &in}, workflow.WithRetry(policy)).Await(ctx)
		if err != nil {
			return false, err
		}
		return out.OK, nil
	}))
	require.NoError(t, w.Start(ctx))
	t.Cleanup(func() { _ = w.Stop() })
	c, err := rt.NewClient(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })

	ok, err := client.Execute[bool](ctx, c, client.StartParams{Workflow: "billing", ID: "cus-1", Input: meteredIn{}})
	require.NoError(t, err)
	require.True(t, ok)
	_, err = client.Execute[bool](ctx, c, client.StartParams{Workflow: "billing", ID: "cus-2", Input: meteredIn{Fail: true}})
	require.Error(t, err)
	// A message no worker can decode is set aside as a dead letter.
	require.NoError(t, rt.Transport.Publish(ctx, &transport.PublishParams{Topic: message.ServiceTopic("pay"), Message: transport.Message{Key: "x", Payload: []byte("not a message")}}))
	require.Eventually(t, func() bool {
		dls, err := c.DeadLetters(ctx)
		return err == nil && len(dls) == 1
	}, 10*time.Second, 10*time.Millisecond)

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/metrics", nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "the bearer token guards /metrics")

	req.Header.Set("Authorization", "Bearer s3cret")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	require.NoError(t, err)
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range families {
			if !yield(n) {
				return
			}
		}
	})
	t.Logf("metrics: %v", names)

	value := func(name string, labels map[string]string) float64 {
		t.Helper()
		f := families[name]
		require.NotNil(t, f, "metric %s (have %v)", name, names)
		for _, m := range f.GetMetric() {
			if hasLabels(m, labels) {
				switch {
				case m.GetCounter() != nil:
					return m.GetCounter().GetValue()
				case m.GetGauge() != nil:
					return m.GetGauge().GetValue()
				case m.GetHistogram() != nil:
					return float64(m.GetHistogram().GetSampleCount())
				}
			}
		}
		require.Failf(t, "no series", "%s%v in %v", name, labels, f)
		return 0
	}
	require.Equal(t, 2.0, value("infgen_workflows_started_total", map[string]string{"infgen_workflow": "billing"}))
	require.Equal(t, 1.0, value("infgen_workflows_finished_total", map[string]string{"infgen_workflow": "billing", "infgen_status": "completed"}))
	require.Equal(t, 1.0, value("infgen_workflows_finished_total", map[string]string{"infgen_workflow": "billing", "infgen_status": "failed"}))
	pay := func(outcome string) map[string]string {
		return map[string]string{"infgen_service": "pay", "infgen_method": "Charge", "infgen_outcome": outcome}
	}
	require.Equal(t, 1.0, value("infgen_tasks_total", pay("ok")))
	require.Equal(t, 1.0, value("infgen_tasks_total", pay("retry")))
	require.Equal(t, 1.0, value("infgen_tasks_total", pay("failed")))
	for _, outcome := range []string{"ok", "retry", "failed"} {
		require.Equal(t, 1.0, value("infgen_task_duration_seconds", pay(outcome)), "one latency sample per attempt")
	}
	require.Equal(t, 1.0, value("infgen_task_attempts", pay("ok")), "one attempts sample per task done")
	attempts := families["infgen_task_attempts"]
	for _, m := range attempts.GetMetric() {
		if hasLabels(m, pay("ok")) {
			require.Equal(t, 2.0, m.GetHistogram().GetSampleSum(), "the task succeeded at its second attempt")
		}
	}
	require.Equal(t, 0.0, value("infgen_timers_pending", map[string]string{"infgen_workflow": "billing"}), "both timers fired")
	require.Equal(t, 0.0, value("infgen_tasks_in_flight", map[string]string{"infgen_service": "pay"}), "no attempt runs now")
	require.GreaterOrEqual(t, value("infgen_state_cache_misses_total", nil), 2.0, "each run's first step reads its state")
	require.GreaterOrEqual(t, value("infgen_state_cache_hits_total", nil), 2.0, "the steps after it find it cached")
	require.Equal(t, 0.0, value("infgen_state_cache_evictions_total", nil), "two workflows fit in the cache")
	require.GreaterOrEqual(t, value("infgen_state_cache_size", nil), 0.0)
	require.Equal(t, 1.0, value("infgen_dead_letters_total", map[string]string{"infgen_topic": message.ServiceTopic("pay")}))
	for _, f := range families {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				require.NotEqual(t, "infgen_workflow_id", l.GetName(), "no workflow ids in metrics")
			}
		}
	}

	// The dashboard's per-method page reads the same counts as JSON.
	req, err = http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/v1/metrics/methods", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer s3cret")
	mresp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer mresp.Body.Close()
	require.Equal(t, http.StatusOK, mresp.StatusCode)
	var methods struct {
		Time    time.Time           `json:"time"`
		Methods []admin.MethodStats `json:"methods"`
	}
	require.NoError(t, json.NewDecoder(mresp.Body).Decode(&methods))
	require.Len(t, methods.Methods, 1)
	m := methods.Methods[0]
	require.Equal(t, admin.MethodStats{Service: "pay", Method: "Charge", Attempts: 3, OK: 1, Retries: 1, Failures: 1, P50: m.P50, P99: m.P99}, m)
	require.NotNil(t, m.P50)
	require.NotNil(t, m.P99)
	require.LessOrEqual(t, *m.P50, *m.P99)
	require.Less(t, *m.P99, 30.0, "below the last finite bucket: the attempts took well under a minute")
	require.False(t, methods.Time.IsZero())
}

func hasLabels(m *dto.Metric, want map[string]string) bool {
	have := map[string]string{}
	for _, l := range m.GetLabel() {
		have[l.GetName()] = l.GetValue()
	}
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}

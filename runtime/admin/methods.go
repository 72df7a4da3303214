package admin

import (
	"cmp"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// MethodStats are one service method's task attempts as this worker's
// metrics count them since it started: GET /v1/metrics/methods.
type MethodStats struct {
	Service string `json:"service"`
	Method  string `json:"method"`
	// Attempts counts task attempts; OK, Retries and Failures split them
	// by outcome (a retry is a failed attempt the policy runs again).
	Attempts uint64 `json:"attempts"`
	OK       uint64 `json:"ok"`
	Retries  uint64 `json:"retries"`
	Failures uint64 `json:"failures"`
	// P50 and P99 estimate the attempts' duration quantiles in seconds
	// from the duration histogram's buckets (linear within a bucket, as
	// Prometheus' histogram_quantile does); absent with no attempt.
	P50 *float64 `json:"p50,omitempty"`
	P99 *float64 `json:"p99,omitempty"`
}

// methodsResponse is the body of GET /v1/metrics/methods; a client takes
// two and divides the difference in attempts by the time between them for
// a rate.
type methodsResponse struct {
	Time    time.Time     `json:"time"`
	Methods []MethodStats `json:"methods"`
}

// The metric families the method statistics read (docs/observability.md).
const (
	metricTasks    = "infgen_tasks_total"
	metricDuration = "infgen_task_duration_seconds"
)

// methods answers GET /v1/metrics/methods from the worker's own /metrics.
func (s *Server) methods(w http.ResponseWriter, r *http.Request) {
	if s.metrics == nil {
		writeError(w, http.StatusNotFound, "no_metrics", "admin API: this worker serves no metrics (telemetry metrics: none)")
		return
	}
	rec := httptest.NewRecorder()
	req := r.Clone(r.Context())
	req.Header = http.Header{"Accept": {"text/plain"}}
	s.metrics.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		writeError(w, http.StatusInternalServerError, "internal", fmt.Sprintf("admin API: read the worker's metrics: HTTP %d", rec.Code))
		return
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(rec.Body)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "internal", "admin API: read the worker's metrics: "+err.Error())
		return
	}
	reply(w, methodsResponse{Time: time.Now().UTC(), Methods: methodStats(families)})
}

// methodStats sums the task counters and duration histograms by service
// and method.
func methodStats(families map[string]*dto.MetricFamily) []MethodStats {
	type key struct{ service, method string }
	stats := map[key]*MethodStats{}
	hists := map[key]map[float64]uint64{} // upper bound → cumulative count, outcomes summed
	at := func(m *dto.Metric) (key, string) {
		var k key
		var outcome string
		for _, l := range m.GetLabel() {
			switch l.GetName() {
			case "infgen_service":
				k.service = l.GetValue()
			case "infgen_method":
				k.method = l.GetValue()
			case "infgen_outcome":
				outcome = l.GetValue()
			}
		}
		if stats[k] == nil {
			stats[k] = &MethodStats{Service: k.service, Method: k.method}
		}
		return k, outcome
	}
	for _, m := range families[metricTasks].GetMetric() {
		k, outcome := at(m)
		n := uint64(m.GetCounter().GetValue())
		st := stats[k]
		st.Attempts += n
		switch outcome {
		case "ok":
			st.OK += n
		case "retry":
			st.Retries += n
		case "failed":
			st.Failures += n
		}
	}
	for _, m := range families[metricDuration].GetMetric() {
		k, _ := at(m)
		if hists[k] == nil {
			hists[k] = map[float64]uint64{}
		}
		h := m.GetHistogram()
		for _, b := range h.GetBucket() {
			if !math.IsInf(b.GetUpperBound(), 1) { // the text format lists +Inf; the sample count is it
				hists[k][b.GetUpperBound()] += b.GetCumulativeCount()
			}
		}
		hists[k][math.Inf(1)] += h.GetSampleCount()
	}
	out := make([]MethodStats, 0, len(stats))
	for k, st := range stats {
		if h := hists[k]; h != nil {
			st.P50, st.P99 = quantile(h, 0.5), quantile(h, 0.99)
		}
		out = append(out, *st)
	}
	slices.SortFunc(out, func(a, b MethodStats) int {
		return cmp.Or(cmp.Compare(a.Service, b.Service), cmp.Compare(a.Method, b.Method))
	})
	return out
}

// quantile estimates the q-quantile of a histogram given as cumulative
// counts by upper bound: linear within the bucket it falls in, the lower
// bound of the first bucket 0, and the last finite bound for the +Inf one.
func quantile(h map[float64]uint64, q float64) *float64 {
	bounds := slices.Sorted(func(yield func(float64) bool) {
		for b := range h {
			if !yield(b) {
				return
			}
		}
	})
	total := h[math.Inf(1)]
	if total == 0 {
		return nil
	}
	rank := q * float64(total)
	lower, below := 0.0, uint64(0)
	for _, b := range bounds {
		n := h[b]
		if float64(n) >= rank {
			v := lower
			if math.IsInf(b, 1) {
				return &v
			}
			if n > below {
				v = lower + (b-lower)*(rank-float64(below))/float64(n-below)
			}
			return &v
		}
		lower, below = b, n
	}
	return nil
}

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// consoleSpan is what the console exporter (stdouttrace) prints of a span.
type consoleSpan struct {
	Name        string
	SpanContext struct{ TraceID string }
	Attributes  []struct {
		Key   string
		Value struct{ Value any }
	}
}

func (s *consoleSpan) attr(key string) (any, bool) {
	for _, a := range s.Attributes {
		if a.Key == key {
			return a.Value.Value, true
		}
	}
	return nil, false
}

// TestConsoleTraces runs the example binary with OTEL_TRACES_EXPORTER=console:
// its standard output holds, as JSON lines, each customer's trace: the
// run's span and, in the same trace, the HTTP calls its tasks made.
func TestConsoleTraces(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds and runs the example binary; skipped with -short")
	}
	bin := buildExample(t)
	cmd := exec.Command(bin, "-db", filepath.Join(t.TempDir(), "state.db"), "-customers", "3", "-months", "2",
		"-month", "300ms", "-churn=false", "-refresh", "50ms")
	cmd.Env = append(os.Environ(), "OTEL_TRACES_EXPORTER=console", "OTEL_SERVICE_NAME=billing")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "%s\n%s", stdout.String(), stderr.String())

	runs := map[string]string{}        // customer id → trace id of its run
	httpCalls := map[string][]string{} // trace id → HTTP span names
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if !bytes.HasPrefix(line, []byte(`{"Name":`)) {
			continue // the example's own output
		}
		var s consoleSpan
		require.NoError(t, json.Unmarshal(line, &s), "%s", line)
		if id, ok := s.attr("infgen.workflow.id"); ok && strings.HasPrefix(s.Name, "workflow ") {
			runs[id.(string)] = s.SpanContext.TraceID
		}
		if _, ok := s.attr("http.request.method"); ok {
			httpCalls[s.SpanContext.TraceID] = append(httpCalls[s.SpanContext.TraceID], s.Name)
		}
	}
	require.NoError(t, sc.Err())
	customers := 0
	for id, trace := range runs {
		if !strings.HasPrefix(id, "cus") {
			continue // a child workflow's run, in its parent's trace
		}
		customers++
		require.NotEmpty(t, httpCalls[trace], "customer %s's trace %s has no HTTP call", id, trace)
	}
	require.Equal(t, 3, customers, "one trace per customer: %v", runs)
}

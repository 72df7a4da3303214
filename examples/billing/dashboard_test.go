package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestDashboardAndMetricsWhileRunning runs the example with -dashboard: while
// it runs, the address serves the dashboard and /metrics, with the tasks the
// example ran counted by service and method.
func TestDashboardAndMetricsWhileRunning(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	cfg := testConfig(t, "-customers", "3", "-months", "4", "-month", "1s", "-churn=false", "-dashboard", addr)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := run(ctx, cfg, io.Discard, false)
		done <- err
	}()
	get := func(path string) (int, string) {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			return 0, ""
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	var metrics string
	require.Eventually(t, func() bool {
		code, body := get("/metrics")
		metrics = body
		return code == 200 && strings.Contains(body, `infgen_tasks_total{infgen_method="CreateCharge",infgen_outcome="ok",infgen_service="PaymentService"}`)
	}, 40*time.Second, 50*time.Millisecond, "no payment counted at /metrics:\n%s", metrics)
	code, page := get("/ui/")
	require.Equal(t, 200, code)
	require.Contains(t, page, "<title>")
	require.NoError(t, <-done)
}

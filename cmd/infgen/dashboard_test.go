package main

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/admin"
	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/local"
)

// TestDashboardBesideARunningWorker: with a worker serving the state file,
// infgen dashboard prints the worker's dashboard URL and exits; infgen
// workflow list pages like the dashboard.
func TestDashboardBesideARunningWorker(t *testing.T) {
	t.Setenv("INFGEN_PULSAR_URL", "")
	t.Setenv(admin.EnvAddr, "")
	t.Setenv(admin.EnvToken, "")
	db := filepath.Join(t.TempDir(), "state.db")
	rt, err := local.Open(db)
	require.NoError(t, err)
	defer rt.Close()
	addr, err := rt.ServeAdmin(t.Context(), admin.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	c, err := rt.NewClient(t.Context())
	require.NoError(t, err)
	defer c.Close()
	for _, id := range []string{"p-1", "p-2", "p-3", "q-1"} {
		_, err := c.Start(t.Context(), client.StartParams{Workflow: "later", ID: id, AllowUnregistered: true})
		require.NoError(t, err)
	}
	// The list pages the dashboard reads, through the worker's admin API.
	out, err := infgen(t, "workflow", "list", "--db", db, "--prefix", "p-", "--limit", "2")
	require.NoError(t, err)
	require.Regexp(t, `(?s)^ID .*\np-1 .*\np-2 .*\nmore: the next page is --after p-2\n$`, out)
	out, err = infgen(t, "workflow", "list", "--db", db, "--prefix", "p-", "--after", "p-2")
	require.NoError(t, err)
	require.Regexp(t, `(?s)^ID .*\np-3 [^\n]*\n$`, out)

	out, err = infgen(t, "dashboard", "--db", db)
	require.NoError(t, err)
	require.Regexp(t, `^dashboard of the worker pid \d+ at `+regexp.QuoteMeta(addr)+`: http://`+regexp.QuoteMeta(addr)+`/ui/\n$`, out)
}

// TestDashboardOnAStateFile: with no worker, infgen dashboard opens the
// state file and serves the admin API and the dashboard until interrupted.
func TestDashboardOnAStateFile(t *testing.T) {
	t.Setenv("INFGEN_PULSAR_URL", "")
	t.Setenv(admin.EnvAddr, "")
	t.Setenv(admin.EnvToken, "")
	db := filepath.Join(t.TempDir(), "state.db")
	_, c, stop := openState(t, db)
	_, err := c.Start(t.Context(), client.StartParams{Workflow: "waiter", ID: "w-1"})
	require.NoError(t, err)
	stop()

	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	cmd := newRootCmd()
	cmd.SetOut(pw)
	cmd.SetErr(io.Discard)
	cmd.SetArgs([]string{"dashboard", "--db", db, "--addr", "127.0.0.1:0"})
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx); _ = pw.Close() }()

	line, err := bufio.NewReader(pr).ReadString('\n')
	require.NoError(t, err)
	m := regexp.MustCompile(`^dashboard of the state file .*: (http://127\.0\.0\.1:\d+/ui/) \(Ctrl-C stops it\)\n$`).FindStringSubmatch(line)
	require.NotNil(t, m, line)
	go func() { _, _ = io.Copy(io.Discard, pr) }()

	res, err := http.Get(m[1])
	require.NoError(t, err)
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, string(body), "<title>infgen dashboard</title>")

	// The CLI goes through this process, which holds the file.
	out, err := infgen(t, "workflow", "describe", "w-1", "--db", db)
	require.NoError(t, err, out)
	require.Contains(t, out, "waiter")

	cancel()
	require.NoError(t, <-done)
}

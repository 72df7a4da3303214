package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestKillNineAndResume builds the example, kills it with SIGKILL twice in
// the middle of the billing (after some charges, then after more), and runs
// it again on the same state file: every workflow completes, and every month
// is charged exactly once although the process died between a charge and the
// workflow recording it. Two months per run: the kills also fall around runs
// continuing as new.
func TestKillNineAndResume(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds and kills the example binary; skipped with -short")
	}
	dir := t.TempDir()
	bin := buildExample(t)
	db := filepath.Join(dir, "state.db")
	args := []string{"-db", db, "-customers", "8", "-months", "4", "-months-per-run", "2", "-month", "400ms", "-fail-rate", "0.1", "-refresh", "50ms"}
	payments := filepath.Join(recordsDir(config{db: db}), "payments.jsonl")
	for _, after := range []int{3, 10} {
		cmd := exec.Command(bin, args...)
		var stdout bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stdout
		require.NoError(t, cmd.Start())
		waitForLines(t, payments, after, 20*time.Second)
		require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
		err := cmd.Wait()
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit, stdout.String())
		require.False(t, exit.Exited(), "the process should have been killed, it exited: %s", stdout.String())
	}

	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	final := exec.CommandContext(ctx, bin, append(args, "-json")...)
	var stderr bytes.Buffer
	final.Stderr = &stderr
	stdout, err := final.Output()
	require.NoError(t, err, "final run: %s\n%s", stdout, stderr.String())
	sum := lastJSON(t, stdout)
	require.Empty(t, sum.Problems)
	require.Equal(t, 8, sum.Completed)
	require.Zero(t, sum.DuplicateCharges)
	require.Zero(t, sum.DuplicateInvoices)
	require.Zero(t, sum.DuplicateEmails)
	require.Zero(t, sum.DuplicateVoids)
	require.Equal(t, sum.MonthsBilled, sum.PaymentsCharged)
	require.Equal(t, sum.MonthsBilled, sum.Invoices-sum.VoidedInvoices)
	// Receipts: never two for a month; the events the killed processes held
	// in memory may be lost (summary.Resumed).
	require.True(t, sum.Resumed)
	require.LessOrEqual(t, sum.Receipts, sum.MonthsBilled)
	require.Positive(t, sum.Callbacks, "the final run took payment outcomes from the receiver")
}

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// buildExample builds the example binary once for the tests that run it as
// a separate process.
func buildExample(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "billing-test-")
		if buildErr != nil {
			return
		}
		out, err := exec.Command("go", "build", "-o", filepath.Join(buildDir, "billing"), ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %w: %s", err, out)
		}
	})
	require.NoError(t, buildErr)
	return filepath.Join(buildDir, "billing")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// waitForLines waits until the file has at least n lines.
func waitForLines(t *testing.T, path string, n int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if countLines(path) >= n {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s did not reach %d lines within %s", path, n, timeout)
}

func countLines(path string) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	n := 0
	for s := bufio.NewScanner(f); s.Scan(); {
		n++
	}
	return n
}

// lastJSON decodes the JSON summary at the end of the output.
func lastJSON(t *testing.T, out []byte) summary {
	t.Helper()
	i := bytes.LastIndex(out, []byte("\n{"))
	require.GreaterOrEqual(t, i, 0, "no JSON summary in: %s", out)
	var s summary
	require.NoError(t, json.Unmarshal(out[i+1:], &s), string(out))
	return s
}

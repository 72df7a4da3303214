package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const (
	billingGen      = "github.com/infgen/infgen/examples/billing/gen/"
	billingWorkflow = "github.com/infgen/infgen/examples/billing/monthly.Workflow"
)

// runInit runs `infgen init …` in-process.
func runInit(args ...string) (string, error) {
	cmd := newRootCmd()
	var out bytes.Buffer
	cmd.SetArgs(append([]string{"init"}, args...))
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

// scaffoldDir returns a fresh directory inside the module (a scaffold must
// be built in the module that holds its packages), removed after the test.
func scaffoldDir(t *testing.T) string {
	t.Helper()
	require.NoError(t, os.MkdirAll("testdata", 0o755))
	dir, err := os.MkdirTemp("testdata", "scaffold-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return filepath.Join(dir, "billing-worker")
}

// TestInitWorkerScaffoldsARunnableWorker scaffolds a worker for an HTTP
// package, a gRPC package and a workflow, builds it, and runs it: without
// service URLs it fails with a message naming the setting; with them it
// starts on the embedded default and stops cleanly on SIGTERM.
func TestInitWorkerScaffoldsARunnableWorker(t *testing.T) {
	t.Parallel()
	out := scaffoldDir(t)
	msg, err := runInit("worker", "--out", out, "--package", billingGen+"payment", "--package", billingGen+"subscription", "--workflow", billingWorkflow)
	require.NoError(t, err, msg)
	for _, name := range []string{"main.go", "worker.yaml", "Dockerfile", "README.md"} {
		require.FileExists(t, filepath.Join(out, name))
	}
	yaml, err := os.ReadFile(filepath.Join(out, "worker.yaml"))
	require.NoError(t, err)
	require.Contains(t, string(yaml), "\n  payment:\n")
	require.Contains(t, string(yaml), "\n  subscription:\n")
	docker, err := os.ReadFile(filepath.Join(out, "Dockerfile"))
	require.NoError(t, err)
	require.Contains(t, string(docker), "go build -trimpath -o /out/worker ./cmd/infgen/"+filepath.ToSlash(out)+"\n")

	bin := filepath.Join(t.TempDir(), "worker")
	build, err := exec.Command("go", "build", "-o", bin, "./"+out).CombinedOutput()
	require.NoError(t, err, "go build: %s", build)
	vet, err := exec.Command("go", "vet", "./"+out).CombinedOutput()
	require.NoError(t, err, "go vet: %s", vet)

	state := filepath.Join(t.TempDir(), "state.db")
	cmd := exec.Command(bin, "-config", filepath.Join(out, "worker.yaml"))
	cmd.Env = append(os.Environ(), "INFGEN_EMBEDDED_PATH="+state, "INFGEN_PULSAR_URL=")
	stderr, err := cmd.CombinedOutput()
	require.Error(t, err)
	require.Contains(t, string(stderr), "services.payment.url is empty: set it in the configuration file or in INFGEN_PAYMENT_URL")

	cmd = exec.Command(bin, "-config", filepath.Join(out, "worker.yaml"))
	cmd.Env = append(os.Environ(), "INFGEN_EMBEDDED_PATH="+state, "INFGEN_PULSAR_URL=",
		"INFGEN_PAYMENT_URL=http://127.0.0.1:1", "INFGEN_SUBSCRIPTION_URL=127.0.0.1:1")
	pipe, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	waitForLine(t, pipe, `"msg":"worker started"`, 20*time.Second)
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, cmd.Wait(), "the worker exits 0 on SIGTERM")
	require.FileExists(t, state, "the embedded default keeps its state in INFGEN_EMBEDDED_PATH")
}

// waitForLine reads r until a line contains want.
func waitForLine(t *testing.T, r io.Reader, want string, timeout time.Duration) {
	t.Helper()
	found := make(chan struct{})
	var seen strings.Builder
	go func() {
		s := bufio.NewScanner(r)
		for s.Scan() {
			seen.WriteString(s.Text() + "\n")
			if strings.Contains(s.Text(), want) {
				close(found)
				_, _ = io.Copy(io.Discard, r)
				return
			}
		}
	}()
	select {
	case <-found:
	case <-time.After(timeout):
		t.Fatalf("no line containing %s within %s", want, timeout)
	}
}

func TestInitWorkerRejectsBadInput(t *testing.T) {
	t.Parallel()
	out := scaffoldDir(t)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"worker", "--out", out}, "nothing to host"},
		{[]string{"worker", "--package", billingGen + "payment"}, `required flag(s) "out" not set`},
		{[]string{"worker", "--out", out, "--package", "github.com/infgen/infgen/runtime/retry"}, "has no generated service"},
		{[]string{"worker", "--out", out, "--package", "github.com/infgen/infgen/no/such/package"}, "go list"},
		{[]string{"worker", "--out", out, "--workflow", "Definition"}, "want IMPORT_PATH.Name"},
		{[]string{"worker", "--out", out, "--workflow", billingGen + "payment.Nope"}, "has no variable or function Nope"},
		{[]string{"worker", "--out", out, "--workflow", billingGen + "payment.NewHTTPClient"}, "must take no arguments"},
		{[]string{"worker", "--out", t.TempDir(), "--package", billingGen + "payment"}, "outside the module"},
	}
	for _, tc := range cases {
		msg, err := runInit(tc.args...)
		require.Error(t, err, "%v: %s", tc.args, msg)
		require.Contains(t, err.Error(), tc.want, "%v", tc.args)
		require.NoDirExists(t, out, "nothing written after %v", tc.args)
	}

	// A scaffold is the user's: it is not overwritten without --force.
	_, err := runInit("worker", "--out", out, "--package", billingGen+"payment")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(out, "main.go"), []byte("package main // edited\n"), 0o644))
	_, err = runInit("worker", "--out", out, "--package", billingGen+"payment")
	require.ErrorContains(t, err, "is not empty")
	edited, err := os.ReadFile(filepath.Join(out, "main.go"))
	require.NoError(t, err)
	require.Equal(t, "package main // edited\n", string(edited))
	_, err = runInit("worker", "--out", out, "--package", billingGen+"payment", "--force")
	require.NoError(t, err)
	regenerated, err := os.ReadFile(filepath.Join(out, "main.go"))
	require.NoError(t, err)
	require.Contains(t, string(regenerated), "payment.Register(w, payment.NewHTTPClient(paymentCfg.URL), paymentCfg.Options()...)")
}

package main

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestInitWorkerRegistersHooks scaffolds a worker for a package with
// callbacks and webhooks: the callbacks are registered on the receiver
// worker.yaml's webhooks.listen starts, the HTTP client gets it for the
// callback URLs, the webhooks (which need a route) are shown commented out;
// the worker builds, vets and starts with and without a receiver.
func TestInitWorkerRegistersHooks(t *testing.T) {
	t.Parallel()
	out := scaffoldDir(t)
	msg, err := runInit("worker", "--out", out, "--package", "github.com/infgen/infgen/golden/webhooks/expected")
	require.NoError(t, err, msg)
	src, err := os.ReadFile(filepath.Join(out, "main.go"))
	require.NoError(t, err)
	main := string(src)
	require.Contains(t, main, "payments.NewHTTPClient(paymentsCfg.URL, payments.WithCallbacks(cfg.Receiver))")
	require.Contains(t, main, "if cfg.Receiver != nil {")
	require.Contains(t, main, "payments.HandleChargeOutcome(cfg.Receiver)")
	require.Contains(t, main, "//\tif err := payments.HandleChargeSettled(cfg.Receiver, webhook.Route{Pointer: \"/id\"}); err != nil {", "a webhook's route is left to the user")

	bin := filepath.Join(t.TempDir(), "worker")
	build, err := exec.Command("go", "build", "-o", bin, "./"+out).CombinedOutput()
	require.NoError(t, err, "go build: %s", build)
	vet, err := exec.Command("go", "vet", "./"+out).CombinedOutput()
	require.NoError(t, err, "go vet: %s", vet)

	for _, listen := range []string{"", "127.0.0.1:0"} {
		cmd := exec.Command(bin, "-config", filepath.Join(out, "worker.yaml"))
		cmd.Env = append(os.Environ(), "INFGEN_EMBEDDED_PATH="+filepath.Join(t.TempDir(), "state.db"), "INFGEN_PULSAR_URL=",
			"INFGEN_PAYMENTS_URL=http://127.0.0.1:1", "INFGEN_WEBHOOKS_ADDR="+listen, "INFGEN_ADMIN_ADDR=off")
		pipe, err := cmd.StderrPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		receiver := make(chan bool, 1)
		go func() {
			seen := false
			s := bufio.NewScanner(pipe)
			for s.Scan() {
				seen = seen || strings.Contains(s.Text(), `"msg":"webhook receiver listening"`)
				if strings.Contains(s.Text(), `"msg":"worker started"`) {
					receiver <- seen
					_, _ = io.Copy(io.Discard, pipe)
					return
				}
			}
			close(receiver)
		}()
		select {
		case seen, ok := <-receiver:
			require.True(t, ok, "the worker did not start (receiver %q)", listen)
			require.Equal(t, listen != "", seen, "receiver started iff webhooks.listen is set")
		case <-time.After(20 * time.Second):
			t.Fatal("the worker did not start in time")
		}
		require.NoError(t, cmd.Process.Signal(os.Interrupt))
		require.NoError(t, cmd.Wait(), "the worker exits 0 (receiver %q)", listen)
	}
}

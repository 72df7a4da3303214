package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestPulsarDriveAndWorkProcesses runs the example across processes on
// Apache Pulsar and a shared storage: one process runs the servers and the
// client (-role drive), another the workers (-role work). The work process
// is killed with SIGKILL mid-run and replaced; every month is still charged
// exactly once. Needs INFGEN_PULSAR_URL (and INFGEN_PULSAR_ADMIN_URL) plus
// INFGEN_POSTGRES_DSN, INFGEN_REDIS_ADDR or INFGEN_MYSQL_DSN.
func TestPulsarDriveAndWorkProcesses(t *testing.T) {
	t.Parallel()
	if os.Getenv("INFGEN_PULSAR_URL") == "" {
		t.Skip("INFGEN_PULSAR_URL is not set (scripts/pulsar.sh start && eval \"$(scripts/pulsar.sh env)\")")
	}
	if os.Getenv("INFGEN_POSTGRES_DSN") == "" && os.Getenv("INFGEN_REDIS_ADDR") == "" && os.Getenv("INFGEN_MYSQL_DSN") == "" {
		t.Skip("INFGEN_POSTGRES_DSN (or INFGEN_REDIS_ADDR, INFGEN_MYSQL_DSN) is not set (scripts/services.sh start && eval \"$(scripts/services.sh env)\")")
	}
	bin := buildExample(t)
	run := fmt.Sprintf("billingtest%d", rand.Uint32())
	env := append(os.Environ(), "INFGEN_PULSAR_TOPIC_PREFIX="+run+"-", "INFGEN_POSTGRES_TABLE_PREFIX="+run+"_",
		"INFGEN_MYSQL_TABLE_PREFIX="+run+"_", "INFGEN_REDIS_KEY_PREFIX="+run+":")
	ports := freePorts(t)
	common := []string{"-transport", "pulsar", "-ports", fmt.Sprint(ports), "-months", "3", "-month", "700ms"}
	records := t.TempDir()

	startWorkers := func() *exec.Cmd {
		cmd := exec.Command(bin, append([]string{"-role", "work"}, common...)...)
		cmd.Env = env
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		require.NoError(t, cmd.Start())
		return cmd
	}
	workers := startWorkers()

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	drive := exec.CommandContext(ctx, bin, append([]string{"-role", "drive", "-customers", "6", "-records", records, "-json"}, common...)...)
	drive.Env = env
	var out bytes.Buffer
	drive.Stdout, drive.Stderr = &out, &out
	require.NoError(t, drive.Start())

	waitForLines(t, filepath.Join(records, "payments.jsonl"), 4, 60*time.Second)
	require.NoError(t, workers.Process.Signal(syscall.SIGKILL))
	_ = workers.Wait()
	workers = startWorkers()
	defer func() {
		_ = workers.Process.Signal(syscall.SIGTERM)
		_ = workers.Wait()
	}()

	require.NoError(t, drive.Wait(), out.String())
	sum := lastJSON(t, out.Bytes())
	require.Empty(t, sum.Problems, out.String())
	require.Equal(t, 6, sum.Completed)
	require.Zero(t, sum.DuplicateCharges+sum.DuplicateInvoices+sum.DuplicateEmails)
	require.Equal(t, sum.MonthsBilled, sum.PaymentsCharged)
}

// freePorts returns a base port with five free ports after it.
func freePorts(t *testing.T) int {
	t.Helper()
	for range 50 {
		base := 20000 + rand.IntN(20000)
		ok := true
		for i := range 5 {
			ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", base+i))
			if err != nil {
				ok = false
				break
			}
			_ = ln.Close()
		}
		if ok {
			return base
		}
	}
	t.Fatal("no five consecutive free ports")
	return 0
}

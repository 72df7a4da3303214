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
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestPulsarDriveAndWorkProcesses runs the example across processes on
// Apache Pulsar and a shared storage: one process runs the servers and the
// client (-role drive), two others the workers (-role work), sharing the
// load. One work process is killed with SIGKILL mid-run and replaced; every
// month is still charged exactly once. Needs INFGEN_PULSAR_URL (and INFGEN_PULSAR_ADMIN_URL) plus
// INFGEN_POSTGRES_DSN, INFGEN_REDIS_ADDR or INFGEN_MYSQL_DSN.
func TestPulsarDriveAndWorkProcesses(t *testing.T) {
	t.Parallel()
	requirePulsar(t)
	bin := buildExample(t)
	runSplit(t, nil, func(env []string, ports int) *exec.Cmd {
		cmd := exec.Command(bin, "-role", "work", "-transport", "pulsar", "-ports", fmt.Sprint(ports), "-month", splitMonth)
		cmd.Env = env
		return cmd
	})
}

// TestPulsarScaffoldedWorker does the same with the worker binary that
// `infgen init worker` scaffolded (examples/billing/deploy/all-in-one),
// configured by its worker.yaml and the environment as docs/deploy.md shows.
func TestPulsarScaffoldedWorker(t *testing.T) {
	t.Parallel()
	requirePulsar(t)
	bin := filepath.Join(t.TempDir(), "all-in-one")
	out, err := exec.Command("go", "build", "-o", bin, "./deploy/all-in-one").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	// The committed worker.yaml starts no webhook receiver (webhooks.listen):
	// the payments are synchronous.
	runSplit(t, []string{"-payment", "sync"}, func(env []string, ports int) *exec.Cmd {
		cmd := exec.Command(bin, "-config", filepath.Join("deploy", "all-in-one", "worker.yaml"))
		cmd.Env = append(env, "INFGEN_LOG_LEVEL=error",
			fmt.Sprintf("INFGEN_CONSUMPTION_URL=http://127.0.0.1:%d", ports), fmt.Sprintf("INFGEN_PAYMENT_URL=http://127.0.0.1:%d", ports+1),
			fmt.Sprintf("INFGEN_INVOICE_URL=http://127.0.0.1:%d", ports+2), fmt.Sprintf("INFGEN_EMAIL_URL=http://127.0.0.1:%d", ports+3),
			fmt.Sprintf("INFGEN_SUBSCRIPTION_URL=127.0.0.1:%d", ports+4))
		return cmd
	})
}

// splitMonth is the month of the split runs: long enough for the worker
// process to be killed and replaced in the middle.
const splitMonth = "700ms"

func requirePulsar(t *testing.T) {
	t.Helper()
	if os.Getenv("INFGEN_PULSAR_URL") == "" {
		t.Skip("INFGEN_PULSAR_URL is not set (scripts/pulsar.sh start && eval \"$(scripts/pulsar.sh env)\")")
	}
	if os.Getenv("INFGEN_POSTGRES_DSN") == "" && os.Getenv("INFGEN_REDIS_ADDR") == "" && os.Getenv("INFGEN_MYSQL_DSN") == "" {
		t.Skip("INFGEN_POSTGRES_DSN (or INFGEN_REDIS_ADDR, INFGEN_MYSQL_DSN) is not set (scripts/services.sh start && eval \"$(scripts/services.sh env)\")")
	}
}

// runSplit runs -role drive for 6 customers against workers made by
// workerCmd (given the environment and the servers' base port), kills the
// workers with SIGKILL after 4 charges, starts them again and checks the
// summary. Each run has its own topics and tables.
func runSplit(t *testing.T, driveArgs []string, workerCmd func(env []string, ports int) *exec.Cmd) {
	t.Helper()
	bin := buildExample(t)
	run := fmt.Sprintf("billingtest%d", rand.Uint32())
	env := append(os.Environ(), "INFGEN_PULSAR_TOPIC_PREFIX="+run+"-", "INFGEN_POSTGRES_TABLE_PREFIX="+run+"_",
		"INFGEN_MYSQL_TABLE_PREFIX="+run+"_", "INFGEN_REDIS_KEY_PREFIX="+run+":")
	ports := freePorts(t)
	var logs lockedBuffer
	startWorkers := func() *exec.Cmd {
		cmd := workerCmd(env, ports)
		cmd.Stdout, cmd.Stderr = &logs, &logs
		require.NoError(t, cmd.Start())
		return cmd
	}
	// Two worker processes share the load; one is killed mid-run.
	workers := startWorkers()
	other := startWorkers()
	defer func() {
		_ = other.Process.Signal(syscall.SIGTERM)
		_ = other.Wait()
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	records := t.TempDir()
	args := append([]string{"-role", "drive", "-transport", "pulsar", "-ports", fmt.Sprint(ports),
		"-customers", "6", "-months", "3", "-months-per-run", "2", "-month", splitMonth, "-records", records, "-json"}, driveArgs...)
	drive := exec.CommandContext(ctx, bin, args...)
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

	require.NoError(t, drive.Wait(), "%s\nworkers:\n%s", out.String(), logs.String())
	sum := lastJSON(t, out.Bytes())
	require.Empty(t, sum.Problems, out.String())
	require.Equal(t, 6, sum.Completed)
	require.Zero(t, sum.DuplicateCharges+sum.DuplicateInvoices+sum.DuplicateEmails+sum.DuplicateVoids)
	require.Equal(t, sum.MonthsBilled, sum.PaymentsCharged)
	require.Equal(t, sum.MonthsBilled, sum.Receipts, "one receipt per paid month, from the events")
}

// freePorts returns a base port with six free ports after it.
func freePorts(t *testing.T) int {
	t.Helper()
	for range 50 {
		base := 20000 + rand.IntN(20000)
		ok := true
		for i := range 6 {
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
	t.Fatal("no six consecutive free ports")
	return 0
}

// lockedBuffer collects the output of processes that may write while it is
// read.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

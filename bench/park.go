package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// The park workload measures what parked workflows cost on the embedded
// default: N workflows each waiting for a signal. A first worker process
// starts them and waits until every one is parked; the bench reads its
// resident memory, kills it with SIGKILL and starts a second process on the
// same file, timing process start to ready (state file open, worker
// subscribed, recovery of the unfinished workflows sent). The second process
// then signals every workflow and checks that each completes with its
// result: nothing may be lost to the kill.

// parkConfig is the parsed command line of the park workload.
type parkConfig struct {
	N, C    int
	DB      string
	Timeout time.Duration
	Verbose bool
}

func parseParkFlags(args []string, usage io.Writer) (parkConfig, error) {
	var c parkConfig
	fs := flag.NewFlagSet("park", flag.ContinueOnError)
	fs.SetOutput(usage)
	fs.IntVar(&c.N, "n", 100000, "workflows parked on a signal")
	fs.IntVar(&c.C, "c", 64, "starts (then signals) in flight")
	fs.StringVar(&c.DB, "db", "", "embedded state file (default: a new file in a temporary directory)")
	fs.DurationVar(&c.Timeout, "timeout", 15*time.Minute, "maximum duration of each phase")
	fs.BoolVar(&c.Verbose, "v", false, "log the engine's info messages too (default: warnings only)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("park: unexpected arguments %q", fs.Args())
	}
	if c.N < 1 || c.C < 1 {
		return c, fmt.Errorf("park: -n and -c must be at least 1 (got n=%d c=%d)", c.N, c.C)
	}
	return c, nil
}

// parkResult is what the park workload measured.
type parkResult struct {
	N int
	// RSS and PeakRSS are the first process's resident memory once every
	// workflow was parked (after a GC) and its peak while starting them.
	RSS, PeakRSS int64
	FileSize     int64
	// Fill is the time to start and park the N workflows.
	Fill time.Duration
	// Ready is the second process's time from exec to ready.
	Ready time.Duration
	// Drain is the second process's time to signal and complete all.
	Drain time.Duration
}

// Line formats the RESULT line.
func (r parkResult) Line() string {
	return fmt.Sprintf("RESULT workload=park n=%d rss=%s peak_rss=%s file=%s fill=%s restart_ready=%s drain=%s completed=%d",
		r.N, mib(r.RSS), mib(r.PeakRSS), mib(r.FileSize), fmtDur(r.Fill), fmtDur(r.Ready), fmtDur(r.Drain), r.N)
}

func mib(b int64) string { return fmt.Sprintf("%.1fMiB", float64(b)/(1<<20)) }

// park runs the two processes of the park workload.
func park(ctx context.Context, cfg parkConfig, log *slog.Logger) (parkResult, error) {
	res := parkResult{N: cfg.N}
	path := cfg.DB
	if path == "" {
		dir, err := os.MkdirTemp("", "infgen-park-")
		if err != nil {
			return res, fmt.Errorf("park: create a temporary directory: %w", err)
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "state.db")
	}

	log.Info("fill: starting workflows that wait for a signal", "n", cfg.N, "db", path)
	fill, lines, err := startParkChild(ctx, cfg, "fill", path)
	if err != nil {
		return res, err
	}
	line, err := expectLine(ctx, lines, "parked", cfg.Timeout)
	if err != nil {
		_ = fill.Process.Kill()
		_ = fill.Wait()
		return res, fmt.Errorf("park: fill: %w", err)
	}
	if res.Fill, err = time.ParseDuration(strings.Fields(line)[1]); err != nil {
		return res, fmt.Errorf("park: fill printed %q", line)
	}
	res.RSS, res.PeakRSS, err = processMemory(fill.Process.Pid)
	if err != nil {
		return res, err
	}
	log.Info("fill: all parked; killing the process with SIGKILL", "rss", mib(res.RSS), "peak_rss", mib(res.PeakRSS), "elapsed", res.Fill)
	_ = fill.Process.Signal(syscall.SIGKILL)
	_ = fill.Wait()
	if fi, err := os.Stat(path); err == nil {
		res.FileSize = fi.Size()
	}

	t0 := time.Now()
	resume, lines, err := startParkChild(ctx, cfg, "resume", path)
	if err != nil {
		return res, err
	}
	defer func() { _ = resume.Process.Kill(); _ = resume.Wait() }()
	if _, err := expectLine(ctx, lines, "ready", cfg.Timeout); err != nil {
		return res, fmt.Errorf("park: restart: %w", err)
	}
	res.Ready = time.Since(t0)
	log.Info("restart: ready; signaling every workflow", "ready", res.Ready)
	line, err = expectLine(ctx, lines, "completed", cfg.Timeout)
	if err != nil {
		return res, fmt.Errorf("park: resume: %w", err)
	}
	f := strings.Fields(line)
	if len(f) != 3 || f[1] != strconv.Itoa(cfg.N) {
		return res, fmt.Errorf("park: resume printed %q, want %d completed", line, cfg.N)
	}
	if res.Drain, err = time.ParseDuration(f[2]); err != nil {
		return res, fmt.Errorf("park: resume printed %q", line)
	}
	return res, resume.Wait()
}

// startParkChild runs this binary again as one phase's worker process and
// returns the lines it prints on standard output.
func startParkChild(ctx context.Context, cfg parkConfig, phase, path string) (*exec.Cmd, <-chan string, error) {
	args := []string{"park-child", "-phase", phase, "-db", path, "-n", strconv.Itoa(cfg.N), "-c", strconv.Itoa(cfg.C)}
	if cfg.Verbose {
		args = append(args, "-v")
	}
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("park: start the %s process: %w", phase, err)
	}
	lines := make(chan string, 4)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	return cmd, lines, nil
}

// expectLine waits for a line starting with word.
func expectLine(ctx context.Context, lines <-chan string, word string, timeout time.Duration) (string, error) {
	deadline := time.After(timeout)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				return "", fmt.Errorf("the process exited before printing %q", word)
			}
			if strings.HasPrefix(l, word) {
				return l, nil
			}
		case <-deadline:
			return "", fmt.Errorf("no %q line within %s", word, timeout)
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
}

// processMemory reads VmRSS and VmHWM of a process from /proc.
func processMemory(pid int) (rss, peak int64, err error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, fmt.Errorf("park: read the memory of process %d: %w", pid, err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			rss = kb << 10
		case "VmHWM:":
			peak = kb << 10
		}
	}
	return rss, peak, nil
}

// parked counts the workflows that reached their wait for the first time.
var parked atomic.Int64

// parkedWorkflow waits for the "wake" signal and returns its value plus one.
func parkedWorkflow(ctx workflow.Context, _ int) (int, error) {
	if !ctx.IsReplaying() {
		parked.Add(1)
	}
	v, err := workflow.SignalChannel[int]("wake").Receive(ctx)
	return v + 1, err
}

// parkChild is one worker process of the park workload: "fill" starts the
// workflows and prints "parked <elapsed>" once all are parked, then waits to
// be killed; "resume" prints "ready" as soon as its worker runs, then
// signals every workflow and prints "completed <n> <elapsed>".
func parkChild(ctx context.Context, args []string, stdout io.Writer, stderr io.Writer) error {
	var phase, path string
	var n, c int
	var verbose bool
	fs := flag.NewFlagSet("park-child", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&phase, "phase", "", "fill|resume")
	fs.StringVar(&path, "db", "", "state file")
	fs.IntVar(&n, "n", 0, "workflows")
	fs.IntVar(&c, "c", 64, "in flight")
	fs.BoolVar(&verbose, "v", false, "info logs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	level := slog.LevelWarn
	if verbose {
		level = slog.LevelInfo
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	rt, err := local.Open(path)
	if err != nil {
		return err
	}
	w, err := rt.NewWorker(worker.Options{Logger: log})
	if err == nil {
		err = worker.RegisterWorkflow(w, "parked", parkedWorkflow)
	}
	if err == nil {
		err = w.Start(ctx)
	}
	if err != nil {
		return errors.Join(err, rt.Close())
	}
	defer func() { _ = w.Stop(); _ = rt.Close() }()
	cl, err := rt.NewClient(ctx, func(o *client.Options) { o.Logger = log })
	if err != nil {
		return err
	}
	defer cl.Close()
	id := func(i int) string { return fmt.Sprintf("parked-%07d", i) }

	switch phase {
	case "fill":
		t0 := time.Now()
		if err := forEach(ctx, n, c, func(i int) error {
			_, err := cl.Start(ctx, client.StartParams{Workflow: "parked", ID: id(i), Input: i})
			return err
		}); err != nil {
			return err
		}
		for parked.Load() < int64(n) {
			if err := ctx.Err(); err != nil {
				return err
			}
			time.Sleep(10 * time.Millisecond)
		}
		elapsed := time.Since(t0)
		// Let the last steps commit, then measure a settled heap.
		time.Sleep(time.Second)
		runtime.GC()
		fmt.Fprintln(stdout, "parked", elapsed)
		<-ctx.Done()
		return nil
	case "resume":
		fmt.Fprintln(stdout, "ready")
		t0 := time.Now()
		if err := forEach(ctx, n, c, func(i int) error {
			if _, err := cl.Signal(ctx, client.Target{ID: id(i)}, "wake", i); err != nil {
				return err
			}
			got, err := client.Result[int](ctx, cl, id(i))
			if err != nil {
				return fmt.Errorf("workflow %s: %w", id(i), err)
			}
			if got != i+1 {
				return fmt.Errorf("workflow %s returned %d, want %d", id(i), got, i+1)
			}
			return nil
		}); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "completed", n, time.Since(t0))
		return nil
	}
	return fmt.Errorf("park-child: unknown phase %q", phase)
}

// forEach calls f for 0..n-1 with c calls in flight.
func forEach(ctx context.Context, n, c int, f func(i int) error) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(c)
	for i := range n {
		if ctx.Err() != nil {
			break
		}
		g.Go(func() error { return f(i) })
	}
	return g.Wait()
}

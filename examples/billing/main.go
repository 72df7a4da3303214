package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	cfg, err := parseFlags(os.Args[1:], os.Stderr)
	if err != nil {
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if cfg.role == roleWork {
		if err := work(ctx, cfg, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "billing:", err)
			os.Exit(1)
		}
		return
	}
	sum, err := run(ctx, cfg, os.Stdout, isTerminal(os.Stdout))
	if err != nil {
		fmt.Fprintln(os.Stderr, "billing:", err)
		os.Exit(1)
	}
	if !sum.OK() {
		os.Exit(1)
	}
}

// Roles of a process (-role).
const (
	// roleAll runs everything in one process.
	roleAll = "all"
	// roleDrive runs the servers and the client (subscriptions, churn,
	// progress, summary); the workers run in other processes.
	roleDrive = "drive"
	// roleWork runs the workers only, calling the servers of a drive
	// process at -ports.
	roleWork = "work"
)

// config is the command line.
type config struct {
	customers   int
	months      int
	perRun      int
	month       time.Duration
	firstMonth  string
	db          string
	dashboard   string
	failRate    float64
	churn       bool
	taskTimeout time.Duration
	timeout     time.Duration
	refresh     time.Duration
	json        bool
	histories   string
	role        string
	transport   string
	ports       int
	records     string
	verbose     bool
	payment     string
	webhooks    string
	redeliver   bool
}

func parseFlags(args []string, errOut io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("billing", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.IntVar(&c.customers, "customers", 20, "number of customers to subscribe")
	fs.IntVar(&c.months, "months", 3, "months each customer is billed for")
	fs.IntVar(&c.perRun, "months-per-run", 12, "months one workflow run bills before it continues as new (empty history)")
	fs.DurationVar(&c.month, "month", time.Second, "length of a compressed month")
	fs.StringVar(&c.firstMonth, "first-month", "2026-01", "first billed month (YYYY-MM)")
	fs.StringVar(&c.dashboard, "dashboard", "", "address of the admin API, which serves the web dashboard (/ui/) and /metrics while the example runs (default: a free port on 127.0.0.1; embedded transport)")
	fs.StringVar(&c.db, "db", "", "state file; kill the process and run again with the same file to resume (default: a temporary file)")
	fs.Float64Var(&c.failRate, "fail-rate", 0, "share (0..1) of requests the example servers fail (503, timeout, lost reply)")
	fs.BoolVar(&c.churn, "churn", true, "let some customers unsubscribe, cancel elsewhere, or have their card declined")
	fs.DurationVar(&c.taskTimeout, "task-timeout", 0, "timeout of one service call (default: half a month, at least 200ms)")
	fs.DurationVar(&c.timeout, "timeout", 0, "give up waiting after this long (default: 3 × months × month + 1m)")
	fs.DurationVar(&c.refresh, "refresh", 0, "progress refresh interval (default: 100ms on a terminal, 1s otherwise)")
	fs.BoolVar(&c.json, "json", false, "print the summary as JSON")
	fs.StringVar(&c.histories, "histories", "", "write each workflow's recorded history to DIR/<id>.json (for replay tests)")
	fs.BoolVar(&c.verbose, "v", false, "log the runtime's info messages to stderr")
	fs.StringVar(&c.role, "role", roleAll, "what this process runs: all, drive (servers and client; workers elsewhere) or work (workers only)")
	fs.StringVar(&c.transport, "transport", "embedded", "embedded (in-process, -db file) or pulsar (INFGEN_PULSAR_URL and a shared storage: INFGEN_POSTGRES_DSN, INFGEN_REDIS_ADDR or INFGEN_MYSQL_DSN)")
	fs.IntVar(&c.ports, "ports", 0, "fixed server ports: consumption, payment, invoice, email on N..N+3, subscription on N+4, the webhook receiver of -role drive on N+5 (default: free ports)")
	fs.StringVar(&c.records, "records", "", "directory of the servers' records (default: next to -db, else in memory)")
	fs.StringVar(&c.payment, "payment", "callback", "how months are charged: callback (POST /charges, the outcome called back to the webhook receiver) or sync (POST /payments answers it)")
	fs.StringVar(&c.webhooks, "webhooks", "", "listen address of the webhook receiver, where the payment server calls back the charges' outcomes (default: a free port on 127.0.0.1, kept next to -db for a rerun; split across processes, the drive process serves it on -ports+5)")
	fs.BoolVar(&c.redeliver, "redeliver", false, "the payment server delivers every callback twice (a lost acknowledgement): the workflow still gets it once")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if err := c.validate(); err != nil {
		fmt.Fprintln(errOut, "billing:", err)
		return c, err
	}
	if c.taskTimeout <= 0 {
		c.taskTimeout = max(c.month/2, 200*time.Millisecond)
	}
	if c.timeout <= 0 {
		c.timeout = 3*time.Duration(c.months)*c.month + time.Minute
	}
	return c, nil
}

func (c *config) validate() error {
	switch {
	case c.customers <= 0 || c.months <= 0 || c.perRun <= 0 || c.month <= 0 || c.failRate < 0 || c.failRate >= 1:
		return errors.New("-customers, -months, -months-per-run and -month must be positive and -fail-rate in [0, 1)")
	case c.payment != "callback" && c.payment != "sync":
		return fmt.Errorf("-payment %q: want callback or sync", c.payment)
	case c.role != roleAll && c.role != roleDrive && c.role != roleWork:
		return fmt.Errorf("-role %q: want all, drive or work", c.role)
	case c.transport != "embedded" && c.transport != "pulsar":
		return fmt.Errorf("-transport %q: want embedded or pulsar", c.transport)
	case c.dashboard != "" && c.transport != "embedded":
		return errors.New("-dashboard serves the embedded runtime's admin API: with -transport pulsar use infgen dashboard against the shared storage")
	case c.role != roleAll && c.transport != "pulsar":
		return errors.New("-role drive and -role work run in separate processes: they need -transport pulsar")
	case c.role != roleAll && c.ports <= 0:
		return errors.New("-role drive and -role work need -ports, so that the workers find the servers")
	case c.transport == "pulsar" && c.db != "":
		return errors.New("-db is the embedded transport's state file; with -transport pulsar the state is in the shared storage")
	}
	if _, err := time.Parse("2006-01", c.firstMonth); err != nil {
		return fmt.Errorf("-first-month %q is not YYYY-MM", c.firstMonth)
	}
	return nil
}

// isTerminal reports whether f is a character device (a terminal).
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

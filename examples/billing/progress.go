package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// snapshot is the state shown on the progress line.
type snapshot struct {
	customers, finished int
	charged             int
	emails              int
	retries             int64 // -1: counted by other processes
	duplicates          int
	faults              int64
}

// snapshot reads the counters.
func (a *app) snapshot(customers, finished int) snapshot {
	st := a.servers.Stats()
	retries := a.attempts.retries.Load()
	if a.cfg.role == roleDrive {
		retries = -1
	}
	return snapshot{
		customers: customers, finished: finished,
		charged: st.Payments.Records,
		emails:  st.Emails.Records, retries: retries,
		duplicates: st.Payments.Duplicates + st.Invoices.Duplicates + st.Emails.Duplicates,
		faults:     st.FaultsInjected,
	}
}

// progress shows live progress: one status line refreshed in place on a
// terminal, periodic lines otherwise.
type progress struct {
	out      io.Writer
	tty      bool
	interval time.Duration
	started  time.Time
	last     string    // last line printed
	printed  time.Time // when it was printed
	shown    bool
}

func newProgress(out io.Writer, tty bool, cfg config) *progress {
	interval := cfg.refresh
	if interval <= 0 {
		interval = time.Second
		if tty {
			interval = 100 * time.Millisecond
		}
	}
	p := &progress{out: out, tty: tty, interval: interval, started: time.Now()}
	fmt.Fprintf(out, "billing %d customers for %d months of %s (fail rate %.0f%%)\n", cfg.customers, cfg.months, cfg.month, cfg.failRate*100)
	return p
}

// update shows s, at most once per interval unless final.
func (p *progress) update(s snapshot, final bool) {
	if !final && time.Since(p.printed) < p.interval {
		return
	}
	p.printed = time.Now()
	line := fmt.Sprintf("%s workflows %d/%d · charged %d · emails %d", bar(s.finished, s.customers, 20), s.finished, s.customers, s.charged, s.emails)
	if s.retries >= 0 {
		line += fmt.Sprintf(" · retries %d", s.retries)
	}
	line += fmt.Sprintf(" · duplicates %d", s.duplicates)
	if s.faults > 0 {
		line += fmt.Sprintf(" · faults %d", s.faults)
	}
	elapsed := time.Since(p.started).Truncate(100 * time.Millisecond)
	if p.tty {
		fmt.Fprintf(p.out, "\r\x1b[K%6s %s", elapsed, line)
		p.shown = true
		return
	}
	if line != p.last {
		fmt.Fprintf(p.out, "%6s %s\n", elapsed, line)
		p.last = line
	}
}

// finish ends the status line.
func (p *progress) finish() {
	if p.tty && p.shown {
		fmt.Fprintln(p.out)
	}
}

// bar draws n/total as a bar of width cells.
func bar(n, total, width int) string {
	full := 0
	if total > 0 {
		full = min(width, n*width/total)
	}
	return "[" + strings.Repeat("#", full) + strings.Repeat(".", width-full) + "]"
}

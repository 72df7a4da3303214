package workflow

import (
	"time"

	"github.com/infgen/infgen/runtime/internal/history"
)

// Timer returns a Deferred that becomes ready after d, yielding the time it
// fired. Timers are durable: they fire after a restart too.
func Timer(ctx Context, d time.Duration) Deferred[time.Time] {
	f := ctx.coroutine().Issue(history.Command{Kind: history.CommandTimer, Name: "timer", Duration: d})
	start := Now(ctx)
	return &deferred[time.Time]{f: f, decode: func([]byte) (time.Time, error) { return start.Add(d), nil }}
}

// Sleep blocks the workflow for d.
func Sleep(ctx Context, d time.Duration) error {
	_, err := Timer(ctx, d).Await(ctx)
	return err
}

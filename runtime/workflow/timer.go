package workflow

import (
	"time"

	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/internal/replay"
)

// Timer is a durable timer: it fires after its duration, after a restart
// too. It is a Deferred of the time it fired, so it can be awaited, passed
// to AwaitAny or Select, and canceled.
type Timer struct {
	*deferred[time.Time]
	co *replay.Coroutine
}

// NewTimer starts a timer that fires after d. Canceling ctx's scope (see
// WithCancel) cancels it.
func NewTimer(ctx Context, d time.Duration) *Timer {
	f := start(ctx, func() *replay.Future {
		return ctx.coroutine().Issue(history.Command{Kind: history.CommandTimer, Name: "timer", Duration: d})
	})
	at := Now(ctx).Add(d)
	return &Timer{deferred: &deferred[time.Time]{core: pending{f: f}, decode: func([]byte) (time.Time, error) { return at, nil }}, co: ctx.coroutine()}
}

// Cancel cancels the timer if it has not fired: it never fires, and Await
// returns a *CanceledError. The cancellation is recorded in history, so a
// replay cancels it at the same point. Canceling a timer that fired (or
// was canceled) does nothing.
func (t *Timer) Cancel() {
	t.co.Cancel(t.core.f, &CanceledError{Reason: "the timer was canceled"})
}

// Sleep blocks the workflow for d. It returns a *CanceledError, at once,
// when ctx's scope is (or gets) canceled.
func Sleep(ctx Context, d time.Duration) error {
	_, err := NewTimer(ctx, d).Await(ctx)
	return err
}

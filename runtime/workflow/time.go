package workflow

import "time"

// Now returns the current time in a replay-safe way: the time at which the
// current step of the workflow first ran.
func Now(ctx Context) time.Time { return ctx.coroutine().Scheduler().Now() }

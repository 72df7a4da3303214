package engine

import (
	"context"
	"time"
)

// LocalSlowAfter is the moving average of a method's attempt durations
// above which a step no longer runs the method's tasks itself (see
// runLocal) but sends them through the transport: a slow task would hold
// its workflow's next messages (a signal, a cancel) and a workflow slot for
// its whole duration, for a saving (two transport hops) that is small next
// to it. Below it, the hops are most of a task's cost.
const LocalSlowAfter = 100 * time.Millisecond

// acquire takes one of the service's slots for an attempt taken from the
// transport, waiting for one while all are used by attempts from the
// transport or in steps. It returns the function that gives it back.
func (s *Service) acquire(ctx context.Context) (release func(), err error) {
	if s == nil || s.slots == nil {
		return func() {}, nil
	}
	select {
	case s.slots <- struct{}{}:
		return s.release, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// tryAcquire takes one of the service's slots for an attempt run in a step,
// without waiting: when all are used, the task goes through the transport
// and waits for a slot there, as it would without local tasks.
func (s *Service) tryAcquire() bool {
	if s.slots == nil {
		return true
	}
	select {
	case s.slots <- struct{}{}:
		return true
	default:
		return false
	}
}

// release gives back a slot taken by acquire or tryAcquire.
func (s *Service) release() {
	if s.slots != nil {
		<-s.slots
	}
}

// observe adds the duration of one attempt of the method, wherever it ran,
// to its moving average (the first attempt sets it), with weight 1/8 and
// counting at most ten times LocalSlowAfter: an attempt that times out
// sends the method's next tasks through the transport, and a few fast ones
// bring them back.
func (m *Method) observe(d time.Duration) {
	d = max(min(d, 10*LocalSlowAfter), 1)
	for {
		old := m.took.Load()
		next := int64(d)
		if old != 0 {
			next = old + (int64(d)-old)/8
		}
		if m.took.CompareAndSwap(old, next) {
			return
		}
	}
}

// fast reports whether the method's tasks may run in steps: its attempts
// have taken less than LocalSlowAfter on average (a method not run yet
// counts as fast).
func (m *Method) fast() bool { return time.Duration(m.took.Load()) < LocalSlowAfter }

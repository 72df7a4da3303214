package workflow

import "github.com/infgen/infgen/runtime/internal/replay"

// SelectCase is one case of a Select: what it waits for and what to run
// when it is chosen. Make one with OnReady (a task, a child workflow, a
// timer, a branch, ctx.Done()) or OnReceive (a signal channel).
type SelectCase struct {
	// ready reports whether the case can be chosen, and when what it waits
	// for happened in the run's order.
	ready func(s *replay.Scheduler) (order uint64, ok bool)
	run   func(ctx Context)
	// once is set for a Deferred's case: a Selector chooses it at most once.
	once bool
}

// OnReady is the case of a Deferred: ready when its result is known; fn
// (which may be nil) receives the result. A Selector chooses it once.
func OnReady[T any](d Deferred[T], fn func(v T, err error)) SelectCase {
	return SelectCase{
		once: true,
		ready: func(*replay.Scheduler) (uint64, bool) {
			f := d.awaitable().f
			return f.Order(), f.Done()
		},
		run: func(ctx Context) {
			v, err := d.Await(ctx) // ready: does not block
			if fn != nil {
				fn(v, err)
			}
		},
	}
}

// OnReceive is the case of a signal channel: ready when a signal waits on
// it; fn (which may be nil) receives the oldest one, which is taken off the
// channel. A Selector chooses it again each time a signal waits.
func OnReceive[T any](ch Channel[T], fn func(v T, err error)) SelectCase {
	return SelectCase{
		ready: func(s *replay.Scheduler) (uint64, bool) { return s.SignalOrder(ch.name) },
		run: func(ctx Context) {
			v, err := ch.pop(ctx)
			if fn != nil {
				fn(v, err)
			}
		},
	}
}

// Selector waits for the first of several cases, like Go's select, but
// deterministically: when several cases are ready, it chooses the one whose
// result or signal came first in the workflow's history (the lowest index
// among cases waiting for the same thing), so that every replay chooses
// the same. Reuse one Selector in a loop to handle each result once:
//
//	sel := workflow.NewSelector(ctx,
//		workflow.OnReady(payment, func(p *Payment, err error) { … }),
//		workflow.OnReceive(cancelOrder, func(reason string, err error) { … }),
//		workflow.OnReady(deadline, func(time.Time, error) { … }),
//	)
//	for !finished {
//		sel.Select()
//	}
//
// A Selector belongs to the coroutine of the context it was made with (the
// workflow, or the branch that made it).
type Selector struct {
	ctx   Context
	cases []SelectCase
	// chosen marks the Deferred cases already chosen.
	chosen []bool
}

// NewSelector returns a selector over cases (more can be added with Add).
func NewSelector(ctx Context, cases ...SelectCase) *Selector {
	return (&Selector{ctx: ctx}).Add(cases...)
}

// Add adds cases after the existing ones and returns the selector.
func (s *Selector) Add(cases ...SelectCase) *Selector {
	s.cases = append(s.cases, cases...)
	s.chosen = append(s.chosen, make([]bool, len(cases))...)
	return s
}

// Select waits until a case is ready, runs its function and returns its
// index (in the order the cases were added). It returns -1 at once when no
// case can be chosen any more: every case is a Deferred's, chosen already.
func (s *Selector) Select() int {
	if !s.live() {
		return -1
	}
	i := -1
	s.ctx.coroutine().Block(func() bool {
		i = s.pick()
		return i >= 0
	})
	if s.cases[i].once {
		s.chosen[i] = true
	}
	s.cases[i].run(s.ctx)
	return i
}

// Ready reports whether Select would choose a case without waiting.
func (s *Selector) Ready() bool { return s.pick() >= 0 }

// live reports whether a case may still be chosen.
func (s *Selector) live() bool {
	for i, c := range s.cases {
		if c.ready != nil && (!c.once || !s.chosen[i]) {
			return true
		}
	}
	return false
}

// pick returns the ready case that became ready first, or -1.
func (s *Selector) pick() int {
	sched := s.ctx.coroutine().Scheduler()
	best, bestOrder := -1, uint64(0)
	for i, c := range s.cases {
		if c.ready == nil || (c.once && s.chosen[i]) { // a zero SelectCase is never ready
			continue
		}
		order, ok := c.ready(sched)
		if ok && (best < 0 || order < bestOrder) {
			best, bestOrder = i, order
		}
	}
	return best
}

// Select waits for the first ready of cases, runs its function and returns
// its index; it is NewSelector(ctx, cases...).Select(). See Selector for
// how the case is chosen when several are ready.
func Select(ctx Context, cases ...SelectCase) int {
	return NewSelector(ctx, cases...).Select()
}

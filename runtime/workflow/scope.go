package workflow

import (
	"github.com/infgen/infgen/runtime/internal/replay"
)

// CancelFunc cancels a scope; see WithCancel. Calling it again does nothing.
type CancelFunc func()

// WithCancel returns a context in a new cancellation scope under ctx's, and
// the function that cancels it. Canceling the scope cancels, at that point
// of the code, what was started in it (with the returned context, in
// branches started with it, in scopes under it) and is still pending:
//
//   - timers are canceled: they never fire;
//   - tasks are abandoned: the task is not retried and its result, if it
//     comes, is ignored;
//   - child workflows are canceled;
//
// and each of their Deferreds yields a *CanceledError at once, as Done
// does. Work started afterwards with a canceled context yields a
// *CanceledError without being started, and Receive on a signal channel
// returns one. The cancellation is recorded in history (one cancel step per
// canceled step), so a replay cancels the same steps at the same point.
//
// Canceling a scope does not interrupt an Await of a step started
// elsewhere: to stop waiting when the scope is canceled, Select on
// ctx.Done() next to it. Canceling ctx's scope cancels the new one too.
func WithCancel(ctx Context) (Context, CancelFunc) {
	parent := ctx.(*wctx)
	child := newScope(parent.co.Scheduler(), parent.scope)
	co := parent.co
	if parent.scope.err != nil {
		child.cancel(co, parent.scope.err)
	}
	return &wctx{co: co, logger: parent.logger, scope: child}, func() {
		child.cancel(co, &CanceledError{Reason: "the scope was canceled"})
	}
}

// scope is a cancellation scope: the pending steps started in it and the
// scopes under it.
type scope struct {
	parent   *scope
	children []*scope
	// work are the steps started in the scope, in the order they were
	// started (not tracked in the root scope, which the code never cancels).
	work []*replay.Future
	// done is resolved with err when the scope is canceled.
	done *replay.Future
	err  error
}

func newScope(s *replay.Scheduler, parent *scope) *scope {
	sc := &scope{parent: parent, done: s.NewFuture()}
	if parent != nil {
		if len(parent.children) >= 32 { // drop the scopes canceled meanwhile
			kept := parent.children[:0]
			for _, c := range parent.children {
				if c.err == nil {
					kept = append(kept, c)
				}
			}
			parent.children = kept
		}
		parent.children = append(parent.children, sc)
	}
	return sc
}

// track adds a step started in the scope.
func (s *scope) track(f *replay.Future) {
	if s.parent == nil || f.Done() {
		return
	}
	if len(s.work) >= 32 { // drop the steps that finished meanwhile
		pending := s.work[:0]
		for _, w := range s.work {
			if !w.Done() {
				pending = append(pending, w)
			}
		}
		s.work = pending
	}
	s.work = append(s.work, f)
}

// cancel cancels the scope's pending steps, in the order they were
// started, then the scopes under it, in the order they were made.
func (s *scope) cancel(co *replay.Coroutine, err error) {
	if s.err != nil {
		return
	}
	s.err = err
	for _, f := range s.work {
		co.Cancel(f, err)
	}
	s.work = nil
	for _, c := range s.children {
		c.cancel(co, err)
	}
	s.done.ResolveLocal(nil, err)
}

// start issues a step in ctx's scope: a canceled scope starts nothing and
// returns a future failed with its error.
func start(ctx Context, issue func() *replay.Future) *replay.Future {
	sc := ctx.cancelScope()
	if sc.err != nil {
		f := &replay.Future{}
		f.ResolveLocal(nil, sc.err)
		return f
	}
	f := issue()
	sc.track(f)
	return f
}

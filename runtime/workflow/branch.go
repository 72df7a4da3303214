package workflow

import "github.com/infgen/infgen/runtime/internal/replay"

// Go runs fn as a parallel branch of the workflow and returns a Deferred of
// its result. Branches are deterministic: only one runs at a time, and they
// switch only where they wait. The branch runs in ctx's cancellation scope:
// canceling it cancels what the branch started.
func Go[T any](ctx Context, fn func(ctx Context) (T, error)) Deferred[T] {
	parent := ctx.(*wctx)
	s := parent.co.Scheduler()
	f := s.NewFuture()
	var out T
	s.Go("branch", func(co *replay.Coroutine) {
		v, err := fn(parent.in(co))
		out = v
		f.ResolveLocal(nil, err)
	})
	return &deferred[T]{core: pending{f: f}, decode: func([]byte) (T, error) { return out, nil }}
}

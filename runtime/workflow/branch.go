package workflow

import "github.com/infgen/infgen/runtime/internal/replay"

// Go runs fn as a parallel branch of the workflow and returns a Deferred of
// its result. Branches are deterministic: only one runs at a time, and they
// switch only where they wait.
func Go[T any](ctx Context, fn func(ctx Context) (T, error)) Deferred[T] {
	parent := ctx.(*wctx)
	f := &replay.Future{}
	var out T
	s := parent.co.Scheduler()
	s.Go("branch", func(co *replay.Coroutine) {
		v, err := fn(&wctx{co: co, logger: parent.logger})
		out = v
		f.ResolveLocal(nil, err)
	})
	return &deferred[T]{f: f, decode: func([]byte) (T, error) { return out, nil }}
}

package workflow

import (
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/internal/replay"
)

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

// Inline runs a side effect once and records its result: on replay the
// recorded result is returned and fn is not called again. Use it for reading
// configuration, generating ids and anything else non-deterministic. T must
// round-trip through JSON.
func Inline[T any](ctx Context, name string, fn func() (T, error)) (T, error) {
	var zero T
	types := ctx.coroutine().Scheduler().ErrorTypes()
	f := ctx.coroutine().Inline(name, func() ([]byte, *history.Error) {
		v, err := fn()
		if err != nil {
			return nil, types.FromError(err)
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, types.FromError(fmt.Errorf("workflow: encode result of inline step %q: %w", name, err))
		}
		return b, nil
	})
	raw, rec := f.Value()
	if rec != nil {
		return zero, types.ToError(rec)
	}
	var v T
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &v); err != nil {
			return zero, fmt.Errorf("workflow: decode result of inline step %q: %w", name, err)
		}
	}
	return v, nil
}

// Random returns a replay-safe pseudo-random number.
func Random(ctx Context) uint64 { return ctx.coroutine().Scheduler().Rand().Uint64() }

// NewUUID returns a replay-safe random (version 4) UUID.
func NewUUID(ctx Context) string {
	r := ctx.coroutine().Scheduler().Rand()
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := r.Uint64()
		for j := range 8 {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return uuid.UUID(b).String()
}

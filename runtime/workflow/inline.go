package workflow

import (
	"encoding/json"
	"fmt"

	"github.com/infgen/infgen/runtime/internal/history"
)

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

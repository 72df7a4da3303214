package workflow

import (
	"github.com/infgen/infgen/runtime/internal/errconv"
	"github.com/infgen/infgen/runtime/internal/replay"
)

// deferred is the Deferred implementation over a replay future.
type deferred[T any] struct {
	f      *replay.Future
	decode func([]byte) (T, error)
	wrap   func(error) error // adds context to a recorded error (task, child)
	// types decode recorded errors: the error types of the workflow
	// execution (nil: none).
	types *errconv.Types
}

func (d *deferred[T]) future() *replay.Future { return d.f }

func (d *deferred[T]) Ready() bool { return d.f.Done() }

func (d *deferred[T]) Await(ctx Context) (T, error) {
	ctx.coroutine().Block(d.f.Done)
	return d.result()
}

func (d *deferred[T]) err() error {
	_, err := d.result()
	return err
}

func (d *deferred[T]) result() (T, error) {
	var zero T
	if err := d.f.LocalErr(); err != nil {
		return zero, err
	}
	raw, rec := d.f.Value()
	if rec != nil {
		var types errconv.Types
		if d.types != nil {
			types = *d.types
		}
		err := types.ToError(rec)
		if d.wrap != nil {
			err = d.wrap(err)
		}
		return zero, err
	}
	if d.decode == nil {
		return zero, nil
	}
	return d.decode(raw)
}

// Await waits for d and returns its result; it is d.Await(ctx).
func Await[T any](ctx Context, d Deferred[T]) (T, error) { return d.Await(ctx) }

// AwaitAll waits until every awaitable is ready and returns the first error,
// in argument order.
func AwaitAll(ctx Context, ds ...Awaitable) error {
	ctx.coroutine().Block(func() bool {
		for _, d := range ds {
			if !d.future().Done() {
				return false
			}
		}
		return true
	})
	for _, d := range ds {
		if err := d.err(); err != nil {
			return err
		}
	}
	return nil
}

// AwaitAny waits until at least one awaitable is ready and returns the index
// of the first ready one (in argument order) and its error.
func AwaitAny(ctx Context, ds ...Awaitable) (int, error) {
	if len(ds) == 0 {
		return -1, nil
	}
	idx := -1
	ctx.coroutine().Block(func() bool {
		for i, d := range ds {
			if d.future().Done() {
				idx = i
				return true
			}
		}
		return false
	})
	return idx, ds[idx].err()
}

// Ready returns a Deferred that is already resolved with v.
func Ready[T any](v T) Deferred[T] {
	f := &replay.Future{}
	f.ResolveLocal(nil, nil)
	return &deferred[T]{f: f, decode: func([]byte) (T, error) { return v, nil }}
}

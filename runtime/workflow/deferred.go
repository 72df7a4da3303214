package workflow

import (
	"github.com/infgen/infgen/runtime/internal/errconv"
	"github.com/infgen/infgen/runtime/internal/replay"
)

// Awaitable is anything a workflow can wait for; every Deferred is one.
type Awaitable interface {
	future() *replay.Future
	err() error
}

// Deferred is the result of an asynchronous step: a task, a timer, a child
// workflow, a branch started with Go.
type Deferred[T any] interface {
	Awaitable
	// Await blocks the workflow until the result is known and returns it.
	Await(ctx Context) (T, error)
	// Ready reports, without blocking, whether the result is known.
	Ready() bool
}

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

// Ready returns a Deferred that is already resolved with v.
func Ready[T any](v T) Deferred[T] {
	f := &replay.Future{}
	f.ResolveLocal(nil, nil)
	return &deferred[T]{f: f, decode: func([]byte) (T, error) { return v, nil }}
}

// failed returns a Deferred that is already resolved with err.
func failed[T any](err error) Deferred[T] {
	f := &replay.Future{}
	f.ResolveLocal(nil, err)
	return &deferred[T]{f: f}
}

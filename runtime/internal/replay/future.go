package replay

import "github.com/infgen/infgen/runtime/internal/history"

// Future is the eventual result of a command, as raw bytes.
type Future struct {
	Seq int
	// issued is set for the future of a command (Seq is its step); kind and
	// name are the command's.
	issued bool
	kind   history.CommandKind
	name   string

	done  bool
	value []byte
	err   *history.Error
	local error // set by Resolve with a Go error (branches)
	// order is when the future was resolved, in the order the run applies
	// its events and runs its code (0: before anything); clock is the run's
	// counter of that order.
	order uint64
	clock *uint64
}

// Done reports whether the result is known.
func (f *Future) Done() bool { return f.done }

// Value returns the raw result and the recorded error, if any.
func (f *Future) Value() ([]byte, *history.Error) { return f.value, f.err }

// LocalErr returns a Go error set by ResolveLocal.
func (f *Future) LocalErr() error { return f.local }

// Order returns when the future was resolved, in the run's order: a future
// resolved by an event recorded earlier (or by code that ran earlier) has a
// lower order, on every replay. Futures resolved before the run's first
// event, or made outside a run, have order 0.
func (f *Future) Order() uint64 { return f.order }

// Resolve sets the result.
func (f *Future) Resolve(value []byte, err *history.Error) {
	if f.done {
		return
	}
	f.done, f.value, f.err = true, value, err
	f.stamp()
}

// ResolveLocal sets a result that lives only in this run (a branch started
// with Go, a step canceled by the code: its outcome is recomputed on every
// replay).
func (f *Future) ResolveLocal(value []byte, err error) {
	if f.done {
		return
	}
	f.done, f.value, f.local = true, value, err
	f.stamp()
}

func (f *Future) stamp() {
	if f.clock != nil {
		*f.clock++
		f.order = *f.clock
	}
}

package replay

import "github.com/infgen/infgen/runtime/internal/history"

// Future is the eventual result of a command, as raw bytes.
type Future struct {
	Seq   int
	done  bool
	value []byte
	err   *history.Error
	local error // set by Resolve with a Go error (branches)
}

// Done reports whether the result is known.
func (f *Future) Done() bool { return f.done }

// Value returns the raw result and the recorded error, if any.
func (f *Future) Value() ([]byte, *history.Error) { return f.value, f.err }

// LocalErr returns a Go error set by ResolveLocal.
func (f *Future) LocalErr() error { return f.local }

// Resolve sets the result.
func (f *Future) Resolve(value []byte, err *history.Error) {
	if f.done {
		return
	}
	f.done, f.value, f.err = true, value, err
}

// ResolveLocal sets a result that lives only in this run (a branch started
// with Go: its outcome is recomputed on every replay).
func (f *Future) ResolveLocal(value []byte, err error) {
	if f.done {
		return
	}
	f.done, f.value, f.local = true, value, err
}

package errconv

import (
	"bytes"
	"errors"

	"github.com/infgen/infgen/runtime/failure"
	"github.com/infgen/infgen/runtime/internal/history"
)

// Types are the error types known to one side of the wire: a service's
// (which it encodes) or a workflow execution's (which it decodes), in the
// order they were added. The zero value knows none.
//
// A generated package's stub passes all of its package's error types (a
// large spec has hundreds) with every call, always the same shared slice:
// Types indexes them by name and remembers the slices it took in full, so
// that adding them again costs one map lookup.
type Types struct {
	list   []failure.ErrorType
	byName map[string]int
	// added are the slices taken in full, by their first element and
	// length; at most maxAdded, so that slices built afresh for each call
	// are not all kept.
	added map[*failure.ErrorType]int
}

const maxAdded = 16

// Of returns the Types of list, in its order, without copying or indexing
// it: for encoding a service's errors, which matches each type in turn.
func Of(list []failure.ErrorType) Types { return Types{list: list} }

// Len is the number of known types.
func (t Types) Len() int { return len(t.list) }

// Add adds types whose name is not known yet; incomplete types (no name or
// no functions) are ignored.
func (t *Types) Add(types ...failure.ErrorType) {
	if len(types) == 0 {
		return
	}
	if n, ok := t.added[&types[0]]; ok && n == len(types) {
		return
	}
	for _, et := range types {
		if et.Name == "" || et.Match == nil || et.Marshal == nil || et.Unmarshal == nil {
			continue
		}
		if _, ok := t.lookup(et.Name); ok {
			continue
		}
		if t.byName == nil {
			t.byName = make(map[string]int)
		}
		t.byName[et.Name] = len(t.list)
		t.list = append(t.list, et)
	}
	if t.added == nil {
		t.added = make(map[*failure.ErrorType]int)
	}
	if len(t.added) < maxAdded {
		t.added[&types[0]] = len(types)
	}
}

func (t Types) lookup(name string) (failure.ErrorType, bool) {
	if t.byName == nil { // made by Of
		for _, et := range t.list {
			if et.Name == name {
				return et, true
			}
		}
		return failure.ErrorType{}, false
	}
	i, ok := t.byName[name]
	if !ok {
		return failure.ErrorType{}, false
	}
	return t.list[i], true
}

// encode records the type and payload of err itself (not of an error it
// wraps) on rec, when err is of a known type. It reports whether it did.
func (t Types) encode(err error, rec *history.Error) bool {
	for _, et := range t.list {
		if !et.Match(err) {
			continue
		}
		payload, merr := et.Marshal(err)
		if merr != nil {
			return false
		}
		rec.Type, rec.Payload = et.Name, payload
		return true
	}
	return false
}

// ToError turns a recorded error into a Go error knowing no error types:
// typed errors stay *failure.RemoteError.
func ToError(r *history.Error) error { return Types{}.ToError(r) }

// FromError records a Go error knowing no error types.
func FromError(err error) *history.Error { return Types{}.FromError(err) }

// ToError turns a recorded error into a typed Go error. An error recorded
// with a type in t is decoded into that type; one with an unknown type, or
// whose payload does not decode, is a *failure.RemoteError carrying the
// type name and payload.
func (t Types) ToError(r *history.Error) error {
	if r == nil {
		return nil
	}
	var cause error
	if r.Cause != nil {
		cause = t.ToError(r.Cause)
	}
	switch r.Kind {
	case history.ErrorKindTask:
		if cause == nil {
			cause = &failure.RemoteError{Message: r.Message}
		}
		return &failure.TaskError{Service: r.Service, Method: r.Method, TaskID: r.TaskID, Attempts: r.Attempts, Cause: cause}
	case history.ErrorKindChild:
		return &failure.ChildError{Workflow: r.Workflow, ID: r.ID, Cause: cause}
	case history.ErrorKindTimeout:
		return &failure.TimeoutError{}
	case history.ErrorKindCanceled:
		return &failure.CanceledError{Reason: r.Message}
	}
	if r.Type != "" {
		if et, ok := t.lookup(r.Type); ok {
			if err, derr := et.Unmarshal(r.Payload); derr == nil && err != nil {
				return err
			}
		}
		return &failure.RemoteError{Message: r.Message, Type: r.Type, Payload: bytes.Clone(r.Payload)}
	}
	if cause != nil {
		return &wrapped{msg: r.Message, cause: cause}
	}
	return &failure.RemoteError{Message: r.Message}
}

// FromError records a Go error, keeping the structure of the errors of
// package failure and the type and payload of errors of a type in t (and
// of remote errors that carry them).
func (t Types) FromError(err error) *history.Error {
	if err == nil {
		return nil
	}
	switch e := err.(type) {
	case *failure.TaskError:
		return &history.Error{Kind: history.ErrorKindTask, Message: err.Error(), Service: e.Service, Method: e.Method,
			TaskID: e.TaskID, Attempts: e.Attempts, Cause: t.FromError(e.Cause)}
	case *failure.ChildError:
		return &history.Error{Kind: history.ErrorKindChild, Message: err.Error(), Workflow: e.Workflow, ID: e.ID, Cause: t.FromError(e.Cause)}
	case *failure.TimeoutError:
		return &history.Error{Kind: history.ErrorKindTimeout, Message: err.Error()}
	case *failure.CanceledError:
		return &history.Error{Kind: history.ErrorKindCanceled, Message: e.Reason}
	case *failure.RemoteError:
		return &history.Error{Kind: history.ErrorKindWorkflow, Message: e.Message, Type: e.Type, Payload: e.Payload}
	}
	rec := &history.Error{Kind: history.ErrorKindWorkflow, Message: err.Error()}
	if t.encode(err, rec) {
		return rec
	}
	if inner := errors.Unwrap(err); inner != nil {
		rec.Cause = t.FromError(inner)
	}
	return rec
}

// FromService records the error of a task attempt: its message and, when
// an error of a type in t is in its chain (the first one, in the order
// errors.As looks), that error's type and payload.
func (t Types) FromService(err error) *history.Error {
	rec := &history.Error{Kind: history.ErrorKindService, Message: err.Error()}
	if len(t.list) > 0 {
		walk(err, func(e error) bool { return t.encode(e, rec) })
	}
	return rec
}

// walk calls visit on err and the errors of its chain, depth first as
// errors.As does, until visit returns true.
func walk(err error, visit func(error) bool) bool {
	for err != nil {
		if visit(err) {
			return true
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				if walk(e, visit) {
					return true
				}
			}
			return false
		default:
			return false
		}
	}
	return false
}

// wrapped is an error with a message and a typed cause.
type wrapped struct {
	msg   string
	cause error
}

func (w *wrapped) Error() string { return w.msg }
func (w *wrapped) Unwrap() error { return w.cause }

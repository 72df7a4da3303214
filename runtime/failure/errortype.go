package failure

import (
	"encoding/json"
	"fmt"
)

// ErrorType describes a Go error type that crosses processes as data: a
// service's error of this type is recorded as the type's Name and an
// encoded payload, and a workflow that knows the type decodes it again, so
// that errors.As matches it in any process and on replay.
//
// Generated packages list their error types in ErrorTypes(): their
// Register function passes them to the worker (which encodes), and their
// workflow stubs pass them with every call (the workflow decodes). Hand
// written services set worker.Service.Errors and workflow.Call.Errors.
type ErrorType struct {
	// Name identifies the type on the wire and in recorded histories. It
	// must stay the same across versions and processes; generated packages
	// use "<service name>.<Go type name>".
	Name string
	// Match reports whether err itself, not an error it wraps, is of this
	// type.
	Match func(err error) bool
	// Marshal encodes an error Match accepted.
	Marshal func(err error) ([]byte, error)
	// Unmarshal decodes a payload Marshal produced into a new error.
	Unmarshal func(payload []byte) (error, error)
}

// JSONType is the ErrorType of *T, encoded as JSON: the usual choice for
// error types whose fields are data (the generated errors of OpenAPI
// operations, with their status, headers and decoded problem body). *T
// must implement error.
func JSONType[T any, P interface {
	*T
	error
}](name string) ErrorType {
	// The generic part is as small as can be: a large spec instantiates
	// JSONType for hundreds of error types, and each instantiation on a
	// struct is compiled on its own.
	return jsonType(name, func(err error) bool {
		_, ok := err.(P)
		return ok
	}, func() error { return P(new(T)) })
}

// jsonType is JSONType's body, for any type given by match and fresh.
func jsonType(name string, match func(error) bool, fresh func() error) ErrorType {
	return ErrorType{
		Name:  name,
		Match: match,
		Marshal: func(err error) ([]byte, error) {
			b, err := json.Marshal(err)
			if err != nil {
				return nil, fmt.Errorf("encode error type %s: %w", name, err)
			}
			return b, nil
		},
		Unmarshal: func(payload []byte) (error, error) {
			p := fresh()
			if err := json.Unmarshal(payload, p); err != nil {
				return nil, fmt.Errorf("decode error type %s: %w", name, err)
			}
			return p, nil
		},
	}
}

package failure

import (
	"encoding/json"
	"fmt"
	"reflect"
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
	return jsonType(name, reflect.TypeFor[P]())
}

// JSONTypes returns the JSON-encoded ErrorTypes of the error types of
// examples, each a nil pointer to an error type such as (*DeclinedError)(nil),
// named service + "." + the Go type's name. Generated packages build their
// ErrorTypes with it: unlike one JSONType instantiation per type, it
// compiles to a table however many error types a spec has.
func JSONTypes(service string, examples ...error) []ErrorType {
	types := make([]ErrorType, 0, len(examples))
	for _, e := range examples {
		t := reflect.TypeOf(e)
		if t == nil || t.Kind() != reflect.Pointer {
			panic(fmt.Sprintf("failure.JSONTypes: example %T of service %s is not a pointer to an error type", e, service))
		}
		types = append(types, jsonType(service+"."+t.Elem().Name(), t))
	}
	return types
}

// jsonType is the ErrorType of the pointer type t, encoded as JSON.
func jsonType(name string, t reflect.Type) ErrorType {
	return ErrorType{
		Name:  name,
		Match: func(err error) bool { return reflect.TypeOf(err) == t },
		Marshal: func(err error) ([]byte, error) {
			b, err := json.Marshal(err)
			if err != nil {
				return nil, fmt.Errorf("encode error type %s: %w", name, err)
			}
			return b, nil
		},
		Unmarshal: func(payload []byte) (error, error) {
			p := reflect.New(t.Elem()).Interface().(error)
			if err := json.Unmarshal(payload, p); err != nil {
				return nil, fmt.Errorf("decode error type %s: %w", name, err)
			}
			return p, nil
		},
	}
}

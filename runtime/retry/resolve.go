package retry

import (
	"fmt"
	"time"
)

// DefaultTimeout bounds one attempt of a task when no layer sets a timeout.
const DefaultTimeout = time.Minute

// Layer is a place a task's retry policy and attempt timeout can be set.
// Layers are ordered by precedence, highest first: for each setting, the
// highest layer that sets it wins, whole (a policy is never merged field by
// field across layers; its own zero fields take Default's values).
type Layer int

// Layers, highest precedence first.
const (
	// FromCall is an option on the workflow's call: workflow.WithRetry,
	// workflow.WithTimeout (on the stub method or the stub). It is recorded
	// in the workflow's history with the task.
	FromCall Layer = iota
	// FromMethodConfig is the worker's configuration of one method:
	// worker.WithMethodRetry, worker.WithMethodTimeout
	// (services.<key>.methods.<Method> in worker.yaml).
	FromMethodConfig
	// FromSpec is the default derived from the spec by the generator:
	// x-infgen-retry and x-infgen-timeout (OpenAPI), the gRPC service
	// config's retryPolicy and timeout (worker.Method.Retry, .Timeout).
	FromSpec
	// FromServiceConfig is the worker's configuration of the whole service:
	// worker.WithRetry, worker.WithTimeout (services.<key>.retry and
	// .timeout in worker.yaml).
	FromServiceConfig
	// FromRuntime is the runtime's default: Default() and DefaultTimeout.
	FromRuntime
)

// String names the layer as the docs do.
func (l Layer) String() string {
	switch l {
	case FromCall:
		return "per-call option"
	case FromMethodConfig:
		return "per-method config"
	case FromSpec:
		return "spec-derived default"
	case FromServiceConfig:
		return "per-service config"
	case FromRuntime:
		return "runtime default"
	}
	return fmt.Sprintf("Layer(%d)", int(l))
}

// Settings is what one layer sets. A nil Policy or a zero Timeout leaves the
// setting to the layers below.
type Settings struct {
	Policy  *Policy
	Timeout time.Duration
}

// Layers holds the settings of each layer above the runtime's default.
type Layers struct {
	Call          Settings
	MethodConfig  Settings
	Spec          Settings
	ServiceConfig Settings
}

// Resolved is the retry policy and attempt timeout in effect for a task,
// with the layer each comes from.
type Resolved struct {
	// Policy has its zero fields filled from Default.
	Policy     Policy
	PolicyFrom Layer
	// Timeout bounds one attempt.
	Timeout     time.Duration
	TimeoutFrom Layer
}

// Resolve applies the precedence: per-call option > per-method config >
// spec-derived default > per-service config > runtime default, for the
// policy and the timeout independently. It is the one place the runtime
// decides which policy and timeout a task attempt runs with.
func (l Layers) Resolve() Resolved {
	r := Resolved{Policy: Default(), PolicyFrom: FromRuntime, Timeout: DefaultTimeout, TimeoutFrom: FromRuntime}
	ordered := [...]Settings{l.Call, l.MethodConfig, l.Spec, l.ServiceConfig}
	policySet, timeoutSet := false, false
	for i, s := range ordered {
		if s.Policy != nil && !policySet {
			r.Policy, r.PolicyFrom, policySet = s.Policy.withDefaults(), Layer(i), true
		}
		if s.Timeout > 0 && !timeoutSet {
			r.Timeout, r.TimeoutFrom, timeoutSet = s.Timeout, Layer(i), true
		}
	}
	return r
}

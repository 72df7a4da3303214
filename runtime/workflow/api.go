package workflow

import (
	"log/slog"

	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/failure"
	"github.com/infgen/infgen/runtime/internal/replay"
)

// Context is what a workflow function receives. It is not a context.Context:
// a workflow must not block on anything but the functions of this package.
type Context interface {
	// Info describes the running workflow.
	Info() Info
	// Logger returns a logger carrying the workflow's id; it is silent while
	// the workflow replays history.
	Logger() *slog.Logger
	// IsReplaying reports whether the code currently runs through recorded history.
	IsReplaying() bool

	coroutine() *replay.Coroutine
}

// Info describes a workflow instance.
type Info struct {
	ID      string
	Name    string
	Version int
	// Run is 1 for the first run of the instance, one more after each
	// ContinueAsNew.
	Run  int
	Tags []string
	// ParentID is the id of the parent workflow, for a child workflow.
	ParentID string
}

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

// Call describes a service task; generated stubs fill it in.
type Call struct {
	Service string
	Method  string
	// Codec encodes Input and decodes the output (codec.JSON for OpenAPI
	// services, codec.Proto for gRPC services).
	Codec codec.Codec
	Input any
	// Errors are the error types the service may fail with (generated
	// stubs pass their package's ErrorTypes()): a failure of one of them
	// reaches the workflow as that type, so errors.As matches it, in any
	// process and on replay. Other failures are *RemoteError.
	Errors []failure.ErrorType
}

// ChildCall describes a child workflow.
type ChildCall struct {
	// Workflow is the registered name of the child workflow.
	Workflow string
	// ID is the child's workflow id; empty derives a deterministic one from the
	// parent's id and the step.
	ID string
	// Input is encoded with JSON.
	Input any
	// Tags are added to the child.
	Tags []string
	// Errors are error types the child may fail with (for example the
	// ErrorTypes() of a generated package whose stub the child calls), to
	// decode in the ChildError's causes as with Call.Errors.
	Errors []failure.ErrorType
}

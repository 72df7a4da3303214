package workflow

import (
	"log/slog"
	"reflect"

	"github.com/infgen/infgen/runtime/internal/replay"
)

// Definition is a workflow function with its name and version, ready to be
// registered in a worker (worker.RegisterWorkflow). Every Ref is one.
type Definition interface {
	// Name returns the workflow's registered name.
	Name() string
	// Version returns the definition's version (1 unless set).
	Version() int

	// entry returns the function the engine replays (the worker reaches
	// it through package internal/workflowdef).
	entry(logger *slog.Logger) replay.Func
}

// DefineOption adjusts a definition.
type DefineOption func(*defineOptions)

type defineOptions struct{ version int }

// Version sets the definition's version. Several versions of one workflow
// name can be registered side by side: an instance always finishes on the
// version that started it, and new instances take the newest.
func Version(v int) DefineOption { return func(o *defineOptions) { o.version = v } }

// Ref is a typed reference to a workflow: its registered name, its function,
// and the types of its input and output. Declare one per workflow with
// Define, in a package-level variable:
//
//	var Monthly = workflow.Define("billing.monthly", Billing)
//
// and use it everywhere the workflow is named: to register it
// (w.RegisterWorkflow(Monthly)), to start it from a client
// (client.StartRef(ctx, c, Monthly, in, client.StartParams{ID: …})) and to
// run it as a child of another workflow (Monthly.Run(ctx, in)). The name is
// written once, and a changed input or output type, or a renamed variable,
// is a compile error rather than a failure at run time.
type Ref[In, Out any] struct {
	name    string
	version int
	fn      func(ctx Context, in In) (Out, error)
}

// Define declares fn as the workflow registered under name, and returns the
// typed reference to it. In and Out are encoded as JSON.
func Define[In, Out any](name string, fn func(ctx Context, in In) (Out, error), opts ...DefineOption) Ref[In, Out] {
	o := defineOptions{version: 1}
	for _, opt := range opts {
		opt(&o)
	}
	return Ref[In, Out]{name: name, version: o.version, fn: fn}
}

// Name returns the workflow's registered name.
func (r Ref[In, Out]) Name() string { return r.name }

// Version returns the definition's version (1 unless set with Version).
func (r Ref[In, Out]) Version() int { return r.version }

// inputType returns the Go type of the workflow's input, In: the worker
// records its JSON Schema in the registry, for the dashboard's start form.
func (r Ref[In, Out]) inputType() reflect.Type { return reflect.TypeFor[In]() }

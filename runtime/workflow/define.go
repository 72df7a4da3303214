package workflow

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/infgen/infgen/runtime/internal/errconv"
	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/internal/replay"
)

// Definition is a workflow function with its name and version, ready to be
// registered in a worker (worker.RegisterWorkflow). Every Ref is one.
type Definition interface {
	// Name returns the workflow's registered name.
	Name() string
	// Version returns the definition's version (1 unless set).
	Version() int
	// Entry returns the function the engine replays. It is meant for the
	// runtime's worker, not for workflow code.
	Entry(logger *slog.Logger) replay.Func
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

// Entry returns the function the engine replays. It is meant for the
// runtime's worker, not for workflow code.
func (r Ref[In, Out]) Entry(logger *slog.Logger) replay.Func {
	if logger == nil {
		logger = slog.Default()
	}
	name, fn := r.name, r.fn
	if fn == nil {
		return nil
	}
	return func(co *replay.Coroutine, input []byte) ([]byte, *history.Error) {
		var in In
		if len(input) > 0 {
			if err := json.Unmarshal(input, &in); err != nil {
				return nil, errconv.FromError(fmt.Errorf("decode input of workflow %s: %w", name, err))
			}
		}
		st := co.Scheduler().State()
		l := logger.With("workflow", name, "workflow_id", st.ID)
		out, err := fn(&wctx{co: co, logger: l}, in)
		var next *ContinueAsNewError
		if errors.As(err, &next) {
			return next.Input, &history.Error{Kind: history.ErrorKindContinueAsNew, Message: next.Error()}
		}
		if err != nil {
			// Errors of the types the workflow's calls named keep their
			// type and payload for the parent or the client.
			return nil, co.Scheduler().ErrorTypes().FromError(err)
		}
		b, err := json.Marshal(out)
		if err != nil {
			return nil, errconv.FromError(fmt.Errorf("encode output of workflow %s: %w", name, err))
		}
		return b, nil
	}
}

// Dispatch starts the workflow as a child of the calling workflow and
// returns at once; the Deferred yields its output, or a *ChildError. It is
// ExecuteChild with the name and types of the reference.
func (r Ref[In, Out]) Dispatch(ctx Context, in In, opts ...ChildOption) Deferred[Out] {
	if r.name == "" {
		return failed[Out](errors.New("workflow: start a child through a zero Ref: declare the child with workflow.Define"))
	}
	var o childOptions
	for _, opt := range opts {
		opt.applyChild(&o)
	}
	return ExecuteChild[Out](ctx, ChildCall{Workflow: r.name, ID: o.id, Input: in, Tags: o.tags})
}

// Run starts the workflow as a child of the calling workflow and waits for
// its result.
func (r Ref[In, Out]) Run(ctx Context, in In, opts ...ChildOption) (Out, error) {
	return r.Dispatch(ctx, in, opts...).Await(ctx)
}

// failed returns a Deferred that is already resolved with err.
func failed[T any](err error) Deferred[T] {
	f := &replay.Future{}
	f.ResolveLocal(nil, err)
	return &deferred[T]{f: f}
}

package workflow

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/failure"
	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/internal/replay"
)

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

// ExecuteChild starts a child workflow by name and returns at once; the
// Deferred yields its output. A failed child yields a *ChildError. Canceling
// the parent, or ctx's scope (see WithCancel), cancels the child. Prefer a typed reference (Ref.Run,
// Ref.Dispatch), which names the workflow and checks its types at compile
// time; ExecuteChild is for names known only at run time.
func ExecuteChild[Out any](ctx Context, call ChildCall) Deferred[Out] {
	in, err := json.Marshal(call.Input)
	if err != nil {
		f := &replay.Future{}
		f.ResolveLocal(nil, fmt.Errorf("workflow: encode input of child %s: %w", call.Workflow, err))
		return &deferred[Out]{core: pending{f: f}}
	}
	s := ctx.coroutine().Scheduler()
	types := s.ErrorTypes()
	types.Add(call.Errors...)
	id := call.ID
	cmd := history.Command{Kind: history.CommandChild, Name: call.Workflow, Input: in, Codec: "json", Tags: call.Tags}
	seq := s.NextSeq()
	if id == "" {
		id = s.State().ID + "/" + strconv.Itoa(seq)
	}
	cmd.ChildID = id
	issued := false
	f := start(ctx, func() *replay.Future { issued = true; return ctx.coroutine().Issue(cmd) })
	childID := id
	if rec := s.State().Commands; issued && f.Seq < len(rec) {
		childID = rec[f.Seq].ChildID
	}
	return &deferred[Out]{decode: decoder[Out](codec.JSON{}), core: pending{f: f, types: types, wrap: func(err error) error {
		var ce *failure.ChildError
		if asChild(err, &ce) {
			return err
		}
		return &failure.ChildError{Workflow: call.Workflow, ID: childID, Cause: err}
	}}}
}

func asChild(err error, target **failure.ChildError) bool {
	ce, ok := err.(*failure.ChildError)
	if ok {
		*target = ce
	}
	return ok
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

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
// registered in a worker.
type Definition struct {
	name    string
	version int
	fn      func(logger *slog.Logger) replay.Func
}

// Name returns the workflow's registered name.
func (d Definition) Name() string { return d.name }

// Version returns the definition's version (1 unless set).
func (d Definition) Version() int { return d.version }

// DefineOption adjusts a Definition.
type DefineOption func(*Definition)

// Version sets the definition's version. Several versions of one workflow
// name can be registered side by side: an instance always finishes on the
// version that started it, and new instances take the newest.
func Version(v int) DefineOption { return func(d *Definition) { d.version = v } }

// Define prepares fn for registration under name. In and Out are encoded as
// JSON.
func Define[In, Out any](name string, fn func(ctx Context, in In) (Out, error), opts ...DefineOption) Definition {
	d := Definition{name: name, version: 1}
	for _, o := range opts {
		o(&d)
	}
	d.fn = func(logger *slog.Logger) replay.Func {
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
				// Errors of the types the workflow's calls named keep
				// their type and payload for the parent or the client.
				return nil, co.Scheduler().ErrorTypes().FromError(err)
			}
			b, err := json.Marshal(out)
			if err != nil {
				return nil, errconv.FromError(fmt.Errorf("encode output of workflow %s: %w", name, err))
			}
			return b, nil
		}
	}
	return d
}

// Entry returns the function the engine replays. It is meant for the
// runtime's worker, not for workflow code.
func (d Definition) Entry(logger *slog.Logger) replay.Func {
	if logger == nil {
		logger = slog.Default()
	}
	return d.fn(logger)
}

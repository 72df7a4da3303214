package workflow

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"

	"github.com/infgen/infgen/runtime/internal/errconv"
	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/internal/replay"
	"github.com/infgen/infgen/runtime/internal/workflowdef"
)

func init() {
	workflowdef.SetEntry(func(def workflowdef.Definition, logger *slog.Logger) replay.Func {
		d, ok := def.(Definition)
		if !ok {
			return nil
		}
		return d.entry(logger)
	})
	workflowdef.SetInputType(func(def workflowdef.Definition) reflect.Type {
		if d, ok := def.(interface{ inputType() reflect.Type }); ok {
			return d.inputType()
		}
		return nil
	})
}

// entry returns the function the engine replays: it decodes the input,
// runs the workflow function and records its outcome.
func (r Ref[In, Out]) entry(logger *slog.Logger) replay.Func {
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
		out, err := fn(newContext(co, l), in)
		var next *ContinueAsNewError
		if errors.As(err, &next) {
			return next.input, &history.Error{Kind: history.ErrorKindContinueAsNew, Message: next.Error()}
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

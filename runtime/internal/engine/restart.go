package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/infgen/infgen/runtime/storage"
)

// Restart starts a new run of a finished workflow with the name, input and
// tags of its last run, as a Start with RestartIfFinished would: one write,
// then the wake-up, the write undone if that fails. It returns the new
// run's number. A workflow that runs is an ErrNotFinished error and is left
// as it is.
func (e *Engine) Restart(ctx context.Context, id string) (int, error) {
	st, _, err := e.loadRecord(ctx, id)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return 0, fmt.Errorf("%w: %s", ErrNotFound, id)
	case err != nil:
		return 0, fmt.Errorf("restart %s: %w", id, err)
	case !st.Status.Terminal():
		return 0, fmt.Errorf("restart %s: %w: it is %s", id, ErrNotFinished, st.Status)
	}
	res, err := e.Start(ctx, &StartCommand{Workflow: st.Name, ID: id, Input: st.Input, Tags: st.Tags,
		RestartIfFinished: true, AllowUnregistered: true})
	if err != nil {
		return 0, err
	}
	if !res.Created { // another restart got there first
		return 0, fmt.Errorf("restart %s: %w: it was restarted meanwhile", id, ErrNotFinished)
	}
	return res.Run, nil
}

package workflow

import (
	"encoding/json"
	"fmt"

	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/internal/replay"
)

// UpdateOption adjusts an update handler (HandleUpdate).
type UpdateOption[In any] func(*updateOptions[In])

type updateOptions[In any] struct {
	validate func(In) error
}

// WithValidator checks each update request before it is accepted: a
// request for which fn returns an error is rejected, and the client that
// sent it gets the error (client.ErrUpdateRejected). A rejected request is
// not recorded: the workflow's history and state stay as they were, and the
// handler does not run.
//
// fn runs once, when the request arrives, with the workflow's variables as
// the workflow left them; it must only read them (not change them, nor
// wait): its decision is recorded, not replayed.
func WithValidator[In any](fn func(in In) error) UpdateOption[In] {
	return func(o *updateOptions[In]) { o.validate = fn }
}

// HandleUpdate makes the workflow answer the update requests named name
// (client.Update): each request is validated (its input must decode into
// In, and pass WithValidator's check), recorded, and handled by fn in a
// branch of its own, in ctx's scope; fn's result is the answer the client
// gets. fn may wait (call tasks, sleep) like any workflow code, and may
// change the workflow's variables: the workflow sees the change when it
// next runs (handlers run when the workflow waits, one at a time).
//
// Register the handlers at the start of the workflow, before it first
// waits: a request for a name with no handler when it arrives is rejected.
// A request the workflow has not answered when it ends fails; one that
// arrives after it ended is refused with client.ErrFinished.
func HandleUpdate[In, Out any](ctx Context, name string, fn func(ctx Context, in In) (Out, error), opts ...UpdateOption[In]) {
	var o updateOptions[In]
	for _, opt := range opts {
		opt(&o)
	}
	c := ctx.(*wctx)
	s := c.co.Scheduler()
	decode := func(payload []byte) (In, error) {
		var in In
		if len(payload) > 0 {
			if err := json.Unmarshal(payload, &in); err != nil {
				return in, fmt.Errorf("workflow %s: decode the input of update %q: %w", s.State().Name, name, err)
			}
		}
		return in, nil
	}
	s.HandleUpdate(name, replay.UpdateHandler{
		Validate: func(payload []byte) *history.Error {
			in, err := decode(payload)
			if err == nil && o.validate != nil {
				err = o.validate(in)
			}
			return s.ErrorTypes().FromError(err)
		},
		Run: func(co *replay.Coroutine, payload []byte) ([]byte, *history.Error) {
			in, err := decode(payload)
			if err != nil {
				return nil, s.ErrorTypes().FromError(err)
			}
			out, err := fn(c.in(co), in)
			if err != nil {
				return nil, s.ErrorTypes().FromError(err)
			}
			b, err := json.Marshal(out)
			if err != nil {
				return nil, s.ErrorTypes().FromError(fmt.Errorf("workflow %s: encode the result of update %q: %w", s.State().Name, name, err))
			}
			return b, nil
		},
	})
}

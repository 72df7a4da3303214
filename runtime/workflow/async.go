package workflow

import (
	"errors"

	"github.com/infgen/infgen/runtime/codec"
)

// Async starts a generated stub method and returns at once with a Deferred
// of its result, to run calls side by side:
//
//	notice := workflow.Async(ctx, emails.SendEmail, &email.SendEmailInput{…})
//	cancel := workflow.Async(ctx, subscriptions.CancelSubscription, &subscription.CancelSubscriptionRequest{…})
//	err := workflow.AwaitAll(ctx, notice, cancel)
//
// The method's task is issued at once, where the workflow calls Async, as
// the method would issue it; only the waiting is left to the Deferred. opts
// apply to the call as they would to method. method must make its task
// call first (every stub method does); a function that makes none runs to
// its end, and the Deferred holds what it returned.
func Async[In, Out any](ctx Context, method func(Context, In, ...CallOption) (Out, error), in In, opts ...CallOption) Deferred[Out] {
	cc, slot := capturing(ctx)
	v, err := method(cc, in, opts...)
	switch {
	case slot.taken:
		return &deferred[Out]{core: slot.p, decode: decoder[Out](slot.codec)}
	case err != nil:
		return failed[Out](err)
	}
	return Ready(v)
}

// errCaptured is what a stub method returns to Async after handing its
// task over; Async never passes it on.
var errCaptured = errors.New("workflow: the task was handed to Async")

// capture receives the first task a method issues under an Async context.
type capture struct {
	p     pending
	codec codec.Codec
	taken bool
}

// capturing returns a context like ctx whose first task goes to the
// returned capture instead of being waited for.
func capturing(ctx Context) (Context, *capture) {
	c := *ctx.(*wctx)
	c.capture = &capture{}
	return &c, c.capture
}

package workflow

import (
	"time"

	"github.com/infgen/infgen/runtime/retry"
)

// CallOption adjusts one task call. Pass it to a generated stub method for
// that call:
//
//	pay.RequestPayment(ctx, in, workflow.WithTimeout(5*time.Second), workflow.WithRetry(p))
//
// to the stub's constructor for every call of the stub
// (payment.NewPaymentServiceStub(opts...)), or to Dispatch. The stub's
// options apply first, then the call's: when two set the same thing, the
// call's wins.
//
// A call's options are the top of the runtime's precedence (retry.FromCall):
// they win over the worker's per-method configuration, the spec's defaults,
// the per-service configuration and the runtime's defaults. They are
// recorded with the task in the workflow's history, so every attempt, retry
// and redrive of the task runs with them, after a restart too; changing
// them in the code applies to the calls made afterwards.
type CallOption interface{ applyCall(*callOptions) }

// ChildOption adjusts one child workflow (Ref.Run, Ref.Dispatch).
type ChildOption interface{ applyChild(*childOptions) }

// Option adjusts a task call and a child workflow alike.
type Option interface {
	CallOption
	ChildOption
}

type callOptions struct {
	meta           map[string]string
	timeout        time.Duration
	retry          *retry.Policy
	idempotencyKey string
	tags           []string
}

type childOptions struct {
	id   string
	tags []string
}

type callOption func(*callOptions)

func (f callOption) applyCall(o *callOptions) { f(o) }

type childOption func(*childOptions)

func (f childOption) applyChild(o *childOptions) { f(o) }

// WithTimeout bounds each attempt of the task; d <= 0 leaves the timeout to
// the worker (per-method configuration, spec, per-service configuration,
// retry.DefaultTimeout).
func WithTimeout(d time.Duration) CallOption {
	return callOption(func(o *callOptions) { o.timeout = max(d, 0) })
}

// WithRetry sets the task's retry policy, whole: the policy's zero fields
// take retry.Default's values, not the worker's. Whether an error is worth
// retrying at all is still the error's to say (a permanent error, such as
// an HTTP 400, is not retried), and a server's Retry-After still delays the
// next attempt.
func WithRetry(p retry.Policy) CallOption {
	return callOption(func(o *callOptions) { o.retry = &p })
}

// WithIdempotencyKey sets the task's idempotency key: the service sees it as
// service.IdempotencyKey(ctx), and generated clients send it where the spec
// declares one (an Idempotency-Key header, the idempotency-key gRPC
// metadata). Without it the key is the task id, which is unique per call;
// set a business key (an invoice number) when several calls, or several
// workflows, must not repeat one side effect. It is the same for every
// attempt. An empty key leaves the task id.
func WithIdempotencyKey(key string) CallOption {
	return callOption(func(o *callOptions) { o.idempotencyKey = key })
}

// WithMeta attaches metadata, seen by the service as service.Task.Meta.
func WithMeta(key, value string) CallOption {
	return callOption(func(o *callOptions) {
		if o.meta == nil {
			o.meta = map[string]string{}
		}
		o.meta[key] = value
	})
}

// WithTags adds tags: to a task, after the workflow's own
// (service.Task.Tags); to a child workflow, as its tags (which
// client.ListByTag, Signal and Cancel address).
func WithTags(tags ...string) Option { return tagsOption(tags) }

type tagsOption []string

func (t tagsOption) applyCall(o *callOptions)   { o.tags = append(o.tags, t...) }
func (t tagsOption) applyChild(o *childOptions) { o.tags = append(o.tags, t...) }

// WithChildID sets the child workflow's id. Without it the id is derived
// from the parent's id and the step, the same on every replay.
func WithChildID(id string) ChildOption {
	return childOption(func(o *childOptions) { o.id = id })
}

// collectCallOptions applies opts in order.
func collectCallOptions(lists ...[]CallOption) callOptions {
	var o callOptions
	for _, opts := range lists {
		for _, opt := range opts {
			if opt != nil {
				opt.applyCall(&o)
			}
		}
	}
	return o
}

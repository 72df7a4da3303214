package workflow

import (
	"slices"
	"strconv"
	"strings"
)

// Compensation is one undo step of a Saga: usually a service task that
// reverses a step that succeeded (refund a charge, void an invoice).
// Generated stubs build them from the spec's declared compensations
// (x-infgen-compensate in OpenAPI, the infgen.compensate method option in
// proto): stub.CreateChargeCompensated(ctx, saga, in) runs CreateCharge and
// registers its compensation, stub.CreateChargeCompensation(in, out) returns
// it.
type Compensation struct {
	// Name names the compensation in errors, e.g. "PaymentService.RefundCharge".
	Name string
	// Start starts the undo and returns what to wait for, usually the
	// Deferred of a task (Async on a stub method). opts are the saga's compensation
	// options (WithCompensationOptions) followed by Options.
	Start func(ctx Context, opts ...CallOption) Awaitable
	// Options apply to this compensation's task, after the saga's: a retry
	// policy of its own (WithRetry), a timeout, an idempotency key.
	Options []CallOption
}

// Saga collects the compensations of the steps a workflow completed, and
// runs them, last first, when a later step fails:
//
//	saga := workflow.NewSaga()
//	charge, err := pay.CreateChargeCompensated(ctx, saga, in) // registers RefundCharge
//	if err != nil {
//		return errors.Join(err, saga.Compensate(ctx))
//	}
//	if _, err := ship.Ship(ctx, order); err != nil {
//		return errors.Join(err, saga.Compensate(ctx)) // refunds the charge
//	}
//
// Each compensation runs as a durable task, recorded in the workflow's
// history like any other step, so a replay runs the same compensations in
// the same order, and a crash in the middle of compensating resumes there.
// A Saga belongs to one workflow execution; it is not safe to share it
// between workflows. Branches (Go) of one workflow may share it: they run
// one at a time.
type Saga struct {
	opts         sagaOptions
	compensation []Compensation
	compensated  bool
}

// SagaOption adjusts a Saga.
type SagaOption func(*sagaOptions)

type sagaOptions struct {
	parallel bool
	stop     bool
	call     []CallOption
}

// Parallel makes Compensate start every compensation at once (still in
// reverse order of registration) and wait for all of them, instead of one
// after the other.
func Parallel() SagaOption { return func(o *sagaOptions) { o.parallel = true } }

// StopOnError makes a sequential Compensate stop at the first compensation
// that fails: the ones registered before it are not run, and are listed in
// the CompensationError's Skipped. Without it every compensation runs, and
// each failure is reported.
func StopOnError() SagaOption { return func(o *sagaOptions) { o.stop = true } }

// WithCompensationOptions applies opts to every compensation's task, before
// the compensation's own Options: WithRetry gives compensations a more
// patient policy than the steps they undo, for instance.
func WithCompensationOptions(opts ...CallOption) SagaOption {
	return func(o *sagaOptions) { o.call = append(o.call, opts...) }
}

// NewSaga returns an empty saga.
func NewSaga(opts ...SagaOption) *Saga {
	s := &Saga{}
	for _, opt := range opts {
		if opt != nil {
			opt(&s.opts)
		}
	}
	return s
}

// Add registers c, to run when the saga compensates; call it after the step
// c undoes succeeded. Compensations run in the reverse order of Add.
// Adding to a saga that has compensated already does nothing.
func (s *Saga) Add(c Compensation) {
	if s.compensated || c.Start == nil {
		return
	}
	s.compensation = append(s.compensation, c)
}

// AddFunc registers a compensation written in Go: fn runs as a branch of
// the workflow (see Go) and may call stubs, sleep, start children. Use Add
// with Async on a stub method for a single service call.
func (s *Saga) AddFunc(name string, fn func(ctx Context) error) {
	s.Add(Compensation{Name: name, Start: func(ctx Context, _ ...CallOption) Awaitable {
		return Go(ctx, func(ctx Context) (struct{}, error) { return struct{}{}, fn(ctx) })
	}})
}

// Len returns how many compensations are registered and not yet run.
func (s *Saga) Len() int { return len(s.compensation) }

// Compensate runs the registered compensations, last registered first, one
// after the other (or all at once with Parallel), and waits for them. It
// returns nil when all succeeded, otherwise a *CompensationError listing
// every one that failed; none is dropped. The compensations run once:
// calling Compensate again returns nil and runs nothing.
//
// The compensations run even when ctx's scope is canceled (the workflow
// was canceled, a WithCancel scope around the failed step): they start in
// a scope of their own under the workflow's root.
func (s *Saga) Compensate(ctx Context) error {
	if s.compensated {
		return nil
	}
	s.compensated = true
	comps := slices.Clone(s.compensation)
	slices.Reverse(comps)
	s.compensation = nil
	ctx = detached(ctx)
	started := make([]Awaitable, len(comps))
	var cerr CompensationError
	for i, c := range comps {
		started[i] = c.Start(ctx, slices.Concat(s.opts.call, c.Options)...)
		if started[i] == nil { // nothing to wait for
			started[i] = Ready(struct{}{})
		}
		if s.opts.parallel {
			continue
		}
		if err := AwaitAll(ctx, started[i]); err != nil {
			cerr.Failed = append(cerr.Failed, CompensationFailure{Name: c.Name, Err: err})
			if s.opts.stop {
				for _, rest := range comps[i+1:] {
					cerr.Skipped = append(cerr.Skipped, rest.Name)
				}
				break
			}
		}
	}
	if s.opts.parallel {
		_ = AwaitAll(ctx, started...)
		for i, d := range started {
			if err := d.awaitable().err(); err != nil {
				cerr.Failed = append(cerr.Failed, CompensationFailure{Name: comps[i].Name, Err: err})
			}
		}
	}
	if len(cerr.Failed) == 0 {
		return nil
	}
	return &cerr
}

// detached returns a context in a new scope under the workflow's root
// scope, which nothing cancels but the workflow's own end.
func detached(ctx Context) Context {
	c := ctx.(*wctx)
	root := c.scope
	for root.parent != nil {
		root = root.parent
	}
	return &wctx{co: c.co, logger: c.logger, scope: newScope(c.co.Scheduler(), root)}
}

// CompensationError reports the compensations of a Saga that failed, in the
// order they ran; errors.As and errors.Is see each failure's error (a
// *TaskError for a task).
type CompensationError struct {
	Failed []CompensationFailure
	// Skipped names the compensations not run because an earlier one
	// failed (StopOnError only).
	Skipped []string
}

// CompensationFailure is one failed compensation.
type CompensationFailure struct {
	Name string
	Err  error
}

func (e *CompensationError) Error() string {
	var b strings.Builder
	b.WriteString("workflow: ")
	if len(e.Failed) == 1 {
		b.WriteString("1 compensation failed: ")
	} else {
		b.WriteString(strconv.Itoa(len(e.Failed)) + " compensations failed: ")
	}
	for i, f := range e.Failed {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(f.Name + ": " + f.Err.Error())
	}
	if len(e.Skipped) > 0 {
		b.WriteString("; not run: " + strings.Join(e.Skipped, ", "))
	}
	return b.String()
}

// Unwrap returns each failure's error.
func (e *CompensationError) Unwrap() []error {
	errs := make([]error, len(e.Failed))
	for i, f := range e.Failed {
		errs[i] = f.Err
	}
	return errs
}

package replay

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"time"

	"github.com/infgen/infgen/runtime/internal/errconv"
	"github.com/infgen/infgen/runtime/internal/history"
)

// Func is a workflow function adapted to raw payloads: it receives the
// encoded input and returns the encoded output or a recorded error.
type Func func(co *Coroutine, input []byte) ([]byte, *history.Error)

// Result is the outcome of one replay.
type Result struct {
	// Commands are the commands issued beyond the recorded ones.
	Commands []history.Command
	// Done is set when the workflow function returned.
	Done   bool
	Output []byte
	Err    *history.Error
	// Nondeterminism is set when the code's commands differ from history.
	Nondeterminism error
	// Panic is set when the workflow code panicked.
	Panic error
	// Unread are the signal events the workflow received but did not read,
	// in arrival order (set when Done).
	Unread []history.Event
	// Updates are the update requests of the history, in the order the
	// workflow decided them: accepted (with the handler's answer once it
	// returned) or, in the new batch only, rejected.
	Updates []UpdateResult
	// Undecided are the update requests of the last batch that the
	// workflow had not decided when it returned, in arrival order (set
	// when Done).
	Undecided []history.Event
}

// UpdateResult is what became of an update request in a replay.
type UpdateResult struct {
	ID   string
	Name string
	// Rejected is why the workflow refused the request: it is not to be
	// recorded (the engine drops it from the new batch).
	Rejected *history.Error
	// Done is set when the handler returned Output or Err.
	Done   bool
	Output []byte
	Err    *history.Error
}

// UpdateHandler is how a workflow handles the update requests of one name.
type UpdateHandler struct {
	// Validate decides whether to accept a request (nil: accept). It runs
	// once, when the request arrives, and must not change anything: a
	// rejected request is not recorded, so its validation is not replayed.
	Validate func(payload []byte) *history.Error
	// Run handles an accepted request, in a coroutine of its own.
	Run func(co *Coroutine, payload []byte) ([]byte, *history.Error)
}

// NondeterminismError reports a replay whose commands differ from history.
type NondeterminismError struct {
	Workflow string
	ID       string
	Seq      int
	Expected string
	Found    string
}

func (e *NondeterminismError) Error() string {
	return fmt.Sprintf("workflow %q (id %q) is not deterministic at step %d: history has %s, code issued %s; "+
		"deploy code that replays this history (keep the old code path, or register the change as a new workflow version)",
		e.Workflow, e.ID, e.Seq, e.Expected, e.Found)
}

// Scheduler is one replay of one workflow instance.
type Scheduler struct {
	name    string
	st      *history.State
	coros   []*Coroutine
	nextSeq int
	futures map[int]*Future
	signals map[string][]signal
	// tick counts the events applied and the futures resolved, giving
	// each its place in the run's order (see Future.Order).
	tick uint64
	// updates: the handlers the workflow registered, the requests of the
	// batch being applied that wait for a decision, and the decisions.
	handlers  map[string]UpdateHandler
	undecided []history.Event
	updates   []*UpdateResult
	// validate is set when the last batch is new: its update requests are
	// validated (recorded ones were accepted when they arrived).
	validate bool
	waiters  int
	commands []history.Command
	now      time.Time
	replay   bool
	rng      *rand.Rand
	// errTypes are the error types the calls of this replay named so far;
	// recorded errors of those types decode into them.
	errTypes errconv.Types

	// closing is set while the coroutines are torn down.
	closing  bool
	aborted  error
	panicked error
	mainDone bool
	output   []byte
	outErr   *history.Error
}

// signal is an unread signal and its place in the run's order.
type signal struct {
	payload []byte
	order   uint64
}

// Execute replays st with fn: it applies each recorded batch in order and
// runs the workflow until it blocks after the last one. The last batch is
// the new one, which the engine is about to record: its update requests are
// validated, and those rejected are reported in Result.Updates.
func Execute(fn Func, st *history.State) Result {
	x, res := Start(fn, st)
	x.Close()
	return res
}

// Replay replays a recorded history with fn as Execute does, every batch
// being recorded: no update request is validated again.
func Replay(fn Func, st *history.State) Result {
	x := newExecution(fn, st, false)
	res := x.run()
	x.Close()
	return res
}

// Execution is a replay whose coroutines stay suspended after it returns,
// so that the next batch of events can be applied without replaying the
// history again (a worker's state cache keeps it between steps).
type Execution struct {
	s *Scheduler
	// applied counts the batches of s.st applied so far.
	applied int
	// validateLast validates the update requests of the last batch (see
	// Execute and Replay).
	validateLast bool
}

// Start replays st with fn like Execute, and keeps the execution suspended
// where the workflow blocked: Resume continues it, Close tears it down.
// An execution whose result is done, non-deterministic or panicked cannot
// be resumed.
func Start(fn Func, st *history.State) (*Execution, Result) {
	x := newExecution(fn, st, true)
	return x, x.run()
}

func newExecution(fn Func, st *history.State, validateLast bool) *Execution {
	h := fnv.New64a()
	h.Write([]byte(st.RunID))
	seed := h.Sum64()
	s := &Scheduler{
		name:     st.Name,
		st:       st,
		futures:  map[int]*Future{},
		signals:  map[string][]signal{},
		handlers: map[string]UpdateHandler{},
		rng:      rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
	}
	s.spawn("main", func(co *Coroutine) {
		s.output, s.outErr = fn(co, st.Input)
		s.mainDone = true
	})
	return &Execution{s: s, validateLast: validateLast}
}

// Resumable reports whether st is the state this execution ran on with
// exactly one batch appended since: what Resume needs to apply it alone.
func (x *Execution) Resumable(st *history.State) bool {
	if x == nil {
		return false
	}
	s := x.s
	return s.st == st && !s.stopped() && !s.closing &&
		x.applied == len(st.Batches)-1 && s.nextSeq == len(st.Commands)
}

// Resume applies the batch appended to the state since the last Start or
// Resume (see Resumable) and runs the workflow until it blocks again. The
// result is the one Execute would return on the whole history.
func (x *Execution) Resume() Result {
	x.s.commands = nil
	return x.run()
}

// run applies the batches not applied yet, then reports.
func (x *Execution) run() Result {
	s, st := x.s, x.s.st
	for ; x.applied < len(st.Batches); x.applied++ {
		b := st.Batches[x.applied]
		s.now = b.Time
		s.replay = x.applied < len(st.Batches)-1
		s.validate = x.validateLast && !s.replay
		s.apply(b.Events)
		s.dispatch()
		if !s.stopped() {
			s.decideUpdates()
		}
		if s.stopped() {
			x.applied++
			break
		}
	}
	if s.aborted == nil && s.panicked == nil && s.nextSeq < len(st.Commands) {
		rec := st.Commands[s.nextSeq]
		s.aborted = &NondeterminismError{Workflow: s.name, ID: st.ID, Seq: rec.Seq,
			Expected: describe(rec), Found: "nothing (the code returned or blocked earlier)"}
	}
	res := Result{Commands: s.commands, Nondeterminism: s.aborted, Panic: s.panicked}
	for _, u := range s.updates {
		res.Updates = append(res.Updates, *u)
	}
	if s.aborted == nil && s.panicked == nil && s.mainDone {
		res.Done, res.Output, res.Err = true, s.output, s.outErr
		res.Unread = s.unread()
		res.Undecided = s.undecided
	}
	return res
}

// Close tears the execution's coroutines down. It may be called more than
// once, and on a nil execution.
func (x *Execution) Close() {
	if x != nil {
		x.s.teardown()
	}
}

// stopped reports whether the run cannot go on: the code is not
// deterministic, panicked or returned.
func (s *Scheduler) stopped() bool { return s.aborted != nil || s.panicked != nil || s.mainDone }

// decideUpdates decides the update requests of the batch just applied, in
// arrival order, once the workflow has run as far as that batch lets it:
// a request for which the workflow has no handler, or that its validator
// refuses, is rejected (in the new batch; a recorded one was accepted and
// must be again); an accepted one runs its handler in a new coroutine.
func (s *Scheduler) decideUpdates() {
	if len(s.undecided) == 0 {
		return
	}
	requests := s.undecided
	s.undecided = nil
	for _, ev := range requests {
		r := &UpdateResult{ID: ev.ID, Name: ev.Update}
		h, ok := s.handlers[ev.Update]
		switch {
		case !ok && !s.validate:
			s.aborted = &NondeterminismError{Workflow: s.name, ID: s.st.ID, Seq: s.nextSeq,
				Expected: fmt.Sprintf("update %q accepted", ev.Update), Found: "no handler for it"}
			return
		case !ok:
			r.Rejected = &history.Error{Kind: history.ErrorKindWorkflow,
				Message: fmt.Sprintf("workflow %s has no handler for update %q", s.name, ev.Update)}
		case s.validate && h.Validate != nil:
			r.Rejected = validate(h.Validate, ev.Payload)
		}
		s.updates = append(s.updates, r)
		if r.Rejected != nil {
			continue
		}
		payload, run := ev.Payload, h.Run
		s.spawn("update "+ev.Update, func(co *Coroutine) {
			out, err := run(co, payload)
			r.Done, r.Output, r.Err = true, out, err
		})
	}
	s.dispatch()
}

// validate runs a validator, turning a panic into a rejection.
func validate(fn func([]byte) *history.Error, payload []byte) (rejected *history.Error) {
	defer func() {
		if r := recover(); r != nil {
			rejected = &history.Error{Kind: history.ErrorKindWorkflow, Message: fmt.Sprintf("the validator panicked: %v", r)}
		}
	}()
	return fn(payload)
}

// unread returns the signal events of the history that the workflow did not
// read: the last len(queue) signals of each channel, in arrival order.
func (s *Scheduler) unread() []history.Event {
	left := map[string]int{}
	total := 0
	for ch, q := range s.signals {
		left[ch] = len(q)
		total += len(q)
	}
	if total == 0 {
		return nil
	}
	seen := map[string]int{}
	count := map[string]int{}
	for _, b := range s.st.Batches {
		for _, e := range b.Events {
			if e.Kind == history.EventSignal {
				count[e.Channel]++
			}
		}
	}
	var out []history.Event
	for _, b := range s.st.Batches {
		for _, e := range b.Events {
			if e.Kind != history.EventSignal {
				continue
			}
			seen[e.Channel]++
			if seen[e.Channel] > count[e.Channel]-left[e.Channel] {
				out = append(out, e)
			}
		}
	}
	return out
}

// apply resolves futures and queues signals from a batch of events.
func (s *Scheduler) apply(events []history.Event) {
	for _, e := range events {
		switch e.Kind {
		case history.EventTaskCompleted, history.EventChildCompleted, history.EventTimerFired:
			if f := s.futures[e.Seq]; f != nil {
				f.Resolve(e.Payload, nil)
			}
		case history.EventTaskFailed, history.EventChildFailed:
			if f := s.futures[e.Seq]; f != nil {
				f.Resolve(nil, e.Error)
			}
		case history.EventSignal:
			s.tick++
			s.signals[e.Channel] = append(s.signals[e.Channel], signal{payload: e.Payload, order: s.tick})
		case history.EventUpdate:
			s.undecided = append(s.undecided, e)
		}
	}
}

// dispatch runs runnable coroutines, in creation order, until all block.
func (s *Scheduler) dispatch() {
	for {
		progressed := false
		for i := 0; i < len(s.coros); i++ {
			c := s.coros[i]
			if !c.runnable() {
				continue
			}
			c.step()
			progressed = true
			if s.aborted != nil || s.panicked != nil || s.mainDone {
				return
			}
		}
		if !progressed {
			return
		}
	}
}

// teardown unwinds the coroutines that have not returned. Their deferred
// calls run (a deferred cancel of a scope is common): from then on, a
// command or a wait unwinds further instead of being recorded.
func (s *Scheduler) teardown() {
	s.closing = true
	for _, c := range s.coros {
		c.exit()
	}
}

func (s *Scheduler) spawn(name string, fn func(*Coroutine)) *Coroutine {
	c := &Coroutine{s: s, name: name, resume: make(chan bool), yielded: make(chan struct{}), fn: fn}
	s.coros = append(s.coros, c)
	return c
}

// Go starts a branch; it runs when the current coroutine blocks.
func (s *Scheduler) Go(name string, fn func(*Coroutine)) {
	s.spawn(name, fn)
}

// Now returns the time of the batch being replayed.
func (s *Scheduler) Now() time.Time { return s.now }

// Replaying reports whether the current batch was already recorded.
func (s *Scheduler) Replaying() bool { return s.replay }

// Rand returns the run's deterministic random source.
func (s *Scheduler) Rand() *rand.Rand { return s.rng }

// ErrorTypes returns the error types this replay knows: those named by the
// calls the workflow made so far. Being filled by the workflow's own code,
// in its order, they are the same on every replay and in every process.
func (s *Scheduler) ErrorTypes() *errconv.Types { return &s.errTypes }

// State returns the replayed state (read only).
func (s *Scheduler) State() *history.State { return s.st }

// PopSignal takes the oldest unread signal of a channel.
func (s *Scheduler) PopSignal(channel string) ([]byte, bool) {
	q := s.signals[channel]
	if len(q) == 0 {
		return nil, false
	}
	s.signals[channel] = q[1:]
	return q[0].payload, true
}

// SignalOrder returns the place in the run's order (see Future.Order) of
// the oldest unread signal of a channel, if there is one.
func (s *Scheduler) SignalOrder(channel string) (uint64, bool) {
	q := s.signals[channel]
	if len(q) == 0 {
		return 0, false
	}
	return q[0].order, true
}

// NewFuture returns a future resolved by the workflow's code (a branch, a
// canceled scope), ordered with the others.
func (s *Scheduler) NewFuture() *Future { return &Future{Seq: -1, clock: &s.tick} }

// HandleUpdate sets the handler of the update requests named name; a
// later call for the same name replaces it.
func (s *Scheduler) HandleUpdate(name string, h UpdateHandler) { s.handlers[name] = h }

// HasSignal reports whether a channel has an unread signal.
func (s *Scheduler) HasSignal(channel string) bool { return len(s.signals[channel]) > 0 }

// NextSeq returns the sequence number the next command will get.
func (s *Scheduler) NextSeq() int { return s.nextSeq }

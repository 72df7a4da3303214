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
	name     string
	st       *history.State
	coros    []*Coroutine
	nextSeq  int
	futures  map[int]*Future
	signals  map[string][][]byte
	waiters  int
	commands []history.Command
	now      time.Time
	replay   bool
	rng      *rand.Rand
	// errTypes are the error types the calls of this replay named so far;
	// recorded errors of those types decode into them.
	errTypes errconv.Types

	aborted  error
	panicked error
	mainDone bool
	output   []byte
	outErr   *history.Error
}

// Execute replays st with fn: it applies each recorded batch in order and
// runs the workflow until it blocks after the last one.
func Execute(fn Func, st *history.State) Result {
	h := fnv.New64a()
	h.Write([]byte(st.RunID))
	seed := h.Sum64()
	s := &Scheduler{
		name:    st.Name,
		st:      st,
		futures: map[int]*Future{},
		signals: map[string][][]byte{},
		rng:     rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
	}
	s.spawn("main", func(co *Coroutine) {
		s.output, s.outErr = fn(co, st.Input)
		s.mainDone = true
	})
	for i, b := range st.Batches {
		s.now = b.Time
		s.replay = i < len(st.Batches)-1
		s.apply(b.Events)
		s.dispatch()
		if s.aborted != nil || s.panicked != nil || s.mainDone {
			break
		}
	}
	if s.aborted == nil && s.panicked == nil && s.nextSeq < len(st.Commands) {
		rec := st.Commands[s.nextSeq]
		s.aborted = &NondeterminismError{Workflow: s.name, ID: st.ID, Seq: rec.Seq,
			Expected: describe(rec), Found: "nothing (the code returned or blocked earlier)"}
	}
	s.teardown()
	res := Result{Commands: s.commands, Nondeterminism: s.aborted, Panic: s.panicked}
	if s.aborted == nil && s.panicked == nil && s.mainDone {
		res.Done, res.Output, res.Err = true, s.output, s.outErr
		res.Unread = s.unread()
	}
	return res
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
			s.signals[e.Channel] = append(s.signals[e.Channel], e.Payload)
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

func (s *Scheduler) teardown() {
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
	return q[0], true
}

// HasSignal reports whether a channel has an unread signal.
func (s *Scheduler) HasSignal(channel string) bool { return len(s.signals[channel]) > 0 }

// NextSeq returns the sequence number the next command will get.
func (s *Scheduler) NextSeq() int { return s.nextSeq }

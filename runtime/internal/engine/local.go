package engine

import (
	"context"
	"sync"
	"time"

	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/internal/message"
)

// maxInlineRounds bounds how many times one step runs the tasks it issued
// before saving: a workflow that calls local tasks in a loop saves its state
// at least this often.
const maxInlineRounds = 64

// localRun remembers, while one message is handled, the results of the
// task attempts its steps ran, by task id and attempt: when the step is
// decided again (a write conflict with a client, a stale cached state), the
// tasks it issues again are answered from here instead of calling the
// service twice.
type localRun struct {
	results map[string]*message.Envelope
	// own is how many leading events of the stored inbox came with the
	// message when it is a start's wake-up: those of the record it carries
	// (the Started event, a signal-with-start's signal); -1 otherwise, when
	// only a leading Started event did.
	own int
}

func newLocalRun() *localRun { return &localRun{results: map[string]*message.Envelope{}, own: -1} }

// split divides a step's inbox into the events that came with its message,
// which the step applies with the message's own events before it runs
// tasks, and those a client stored since (signals, cancels, updates), which
// it applies after them. Tasks run in a step thus depend only on the
// message and on their own results: a step decided again, after a write
// conflict or after a crash (the message redelivered), issues again the
// tasks that ran, whatever a client stored meanwhile (a signal sent when a
// charge landed cannot make the workflow take a branch without the charge).
func (m *localRun) split(inbox []history.Event) (own, later []history.Event) {
	k := 0
	if len(inbox) > 0 && inbox[0].Kind == history.EventStarted {
		k = 1
		if m.own >= 0 {
			k = min(m.own, len(inbox))
		}
	}
	return inbox[:k], inbox[k:]
}

// runLocal runs, in the step itself, the tasks of out that this engine
// serves, and applies their results to st, until the workflow waits for
// something else (a timer, a signal, a task served elsewhere, a retry
// after a back-off) or maxInlineRounds rounds have run. It returns the
// events it applied. Nothing is saved: the step saves the state once with
// the results, so that a crash before that loses the results and the
// message that triggered the step, redelivered, runs the tasks again (at
// least once, as over the transport).
func (e *Engine) runLocal(ctx context.Context, c *cached, out *outbox, memo *localRun) []history.Event {
	st := c.st
	var applied []history.Event
	for range maxInlineRounds {
		if st.Parked != nil || st.Status.Terminal() {
			break
		}
		tasks := e.takeLocal(st, out, memo)
		if len(tasks) == 0 {
			break
		}
		results := e.attemptAll(ctx, st.TraceParent, tasks, memo)
		now := e.now()
		var events []history.Event
		for _, r := range results {
			evs, _ := e.translate(st, r, now, out)
			events = append(events, evs...)
		}
		if len(events) > 0 {
			c.exec = e.advance(st, c.exec, events, now, false, out)
			applied = append(applied, events...)
		}
	}
	return applied
}

// takeLocal removes from out and returns the task messages this engine can
// run now: for a method registered here that answers fast, not delayed, of
// a task still pending at that attempt, while the service has a free slot;
// and those whose attempt memo has answered. Each task returned that memo
// does not answer holds a slot of its service until attemptAll gives it
// back.
func (e *Engine) takeLocal(st *history.State, out *outbox, memo *localRun) []*message.Envelope {
	var tasks []*message.Envelope
	kept := out.msgs[:0]
	for _, m := range out.msgs {
		if env := m.Env; env != nil && env.Kind == message.ExecuteTask && m.Delay == 0 && env.RunID == st.RunID {
			if t := st.Tasks[env.Seq]; t != nil && t.Attempt == env.Attempt && (memo.results[memoKey(env)] != nil || e.mayRunHere(env)) {
				tasks = append(tasks, env)
				continue
			}
		}
		kept = append(kept, m)
	}
	clear(out.msgs[len(kept):])
	out.msgs = kept
	return tasks
}

// mayRunHere reports whether the task env asks for may run in the step:
// its method is registered on this engine and fast, and a slot of its
// service was free (and is now taken).
func (e *Engine) mayRunHere(env *message.Envelope) bool {
	svc := e.service(env.Service)
	if svc == nil {
		return false
	}
	m := svc.Methods[env.Method]
	return m != nil && m.fast() && svc.tryAcquire()
}

// attemptAll runs one attempt of each task, in parallel when there are
// several, and returns their results in the order of tasks; attempts
// already in memo are not run again. It gives back the service slot each
// task holds (see takeLocal) when its attempt is over.
func (e *Engine) attemptAll(ctx context.Context, traceparent string, tasks []*message.Envelope, memo *localRun) []*message.Envelope {
	results := make([]*message.Envelope, len(tasks))
	run := func(i int, t *message.Envelope) {
		end := e.running.begin(t, time.Now())
		results[i] = e.attempt(ctx, t, traceparent)
		end()
		e.service(t.Service).release()
	}
	var wg sync.WaitGroup
	for i, t := range tasks {
		if r, ok := memo.results[memoKey(t)]; ok {
			results[i] = r
			continue
		}
		if len(tasks) == 1 {
			run(i, t)
			break
		}
		wg.Go(func() { run(i, t) })
	}
	wg.Wait()
	for i, t := range tasks {
		memo.results[memoKey(t)] = results[i]
	}
	return results
}

func memoKey(t *message.Envelope) string { return t.TaskID + "#" + itoa(t.Attempt) }

// applyLater applies the inbox events a client stored since the message
// (see localRun.split), after the tasks run in the step: the tasks they
// issue go through the transport. A workflow parked keeps them in its
// inbox, a new run (continued as new in this step) receives them, and a
// finished one records them in its last batch, as it would have in one.
func (e *Engine) applyLater(c *cached, later []history.Event, now time.Time, out *outbox) {
	st := c.st
	switch {
	case st.Parked != nil || len(st.Batches) == 0:
		st.Inbox = append(st.Inbox, later...)
	case st.Status.Terminal():
		b := &st.Batches[len(st.Batches)-1]
		b.Events = append(b.Events, later...)
	default:
		c.exec = e.advance(st, c.exec, later, now, false, out)
	}
}

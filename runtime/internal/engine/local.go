package engine

import (
	"context"
	"slices"
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
// task attempts its steps ran, by task id and attempt, and where the
// message's events went among the inbox's. When the step is decided again
// (a write conflict with a client, a stale cached state), the tasks it
// issues again are answered from here instead of calling the service
// twice, and its events come in the order of the decision that ran them.
type localRun struct {
	results map[string]*message.Envelope
	// inboxBefore is how many inbox events the decision that ran tasks
	// took before the message's events.
	inboxBefore int
}

func newLocalRun() *localRun { return &localRun{results: map[string]*message.Envelope{}} }

// order returns the events a decision applies: the inbox's (signals,
// cancels, updates a client stored) and then the message's. Once a
// decision ran tasks, a decision again puts the inbox events a client
// stored meanwhile after the message's, as if they had arrived after it
// (they did arrive while it was handled): the workflow then issues again
// the tasks that ran. Inbox first, a signal could make it take another
// branch, and a task that ran (a charge) would be a side effect its
// workflow never records.
func (m *localRun) order(inbox, events []history.Event) []history.Event {
	if m == nil || len(m.results) == 0 {
		if m != nil {
			m.inboxBefore = len(inbox)
		}
		return append(inbox, events...)
	}
	k := min(m.inboxBefore, len(inbox))
	return slices.Concat(inbox[:k], events, inbox[k:])
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

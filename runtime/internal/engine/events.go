package engine

import (
	"time"

	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/internal/message"
)

// translate turns a message into history events, handling on the way the
// messages that change pending work without running the workflow (retries).
// changed reports whether the state changed even if no event resulted.
func (e *Engine) translate(st *history.State, env *message.Envelope, now time.Time, out *outbox) (events []history.Event, changed bool) {
	if env.RunID != "" && env.RunID != st.RunID {
		return nil, false // for an earlier run, which continued as new
	}
	switch env.Kind {
	case message.TaskResult:
		t := st.Tasks[env.Seq]
		if t == nil || t.Attempt != env.Attempt || !t.RetryAt.IsZero() {
			return nil, false // stale or duplicate
		}
		switch {
		case env.Error == nil:
			delete(st.Tasks, env.Seq)
			return []history.Event{{Kind: history.EventTaskCompleted, Seq: env.Seq, Payload: env.Payload}}, true
		case env.RetryAfter > 0:
			t.RetryAt = now.Add(env.RetryAfter)
			t.LastErr = env.Error.Message
			out.toSelf(st, env.RetryAfter, &message.Envelope{Kind: message.Retry, Seq: env.Seq, Attempt: env.Attempt + 1})
			return nil, true
		default:
			delete(st.Tasks, env.Seq)
			rec := &history.Error{Kind: history.ErrorKindTask, Message: env.Error.Message, Service: env.Service, Method: env.Method,
				TaskID: TaskID(st, env.Seq), Attempts: env.Attempt, Cause: env.Error}
			return []history.Event{{Kind: history.EventTaskFailed, Seq: env.Seq, Error: rec}}, true
		}
	case message.Retry:
		t := st.Tasks[env.Seq]
		if t == nil || t.RetryAt.IsZero() || t.Attempt+1 != env.Attempt {
			return nil, false
		}
		t.Attempt = env.Attempt
		t.RetryAt = time.Time{}
		e.executeTask(st, st.Commands[env.Seq], t.Attempt, out)
		return nil, true
	case message.Timer:
		if _, ok := st.Timers[env.Seq]; !ok {
			return nil, false
		}
		delete(st.Timers, env.Seq)
		return []history.Event{{Kind: history.EventTimerFired, Seq: env.Seq}}, true
	case message.ChildResult:
		if _, ok := st.Children[env.Seq]; !ok {
			return nil, false
		}
		delete(st.Children, env.Seq)
		if env.Error != nil {
			return []history.Event{{Kind: history.EventChildFailed, Seq: env.Seq, Error: env.Error}}, true
		}
		return []history.Event{{Kind: history.EventChildCompleted, Seq: env.Seq, Payload: env.Payload}}, true
	case message.Cancel:
		return []history.Event{{Kind: history.EventCancelRequested}}, true
	case message.Timeout:
		if st.Deadline.IsZero() || now.Before(st.Deadline) {
			return nil, false
		}
		return []history.Event{{Kind: history.EventTimedOut}}, true
	}
	return nil, false
}

// TaskID returns the id of the task issued at step seq: stable across
// retries and redeliveries, unique across workflow runs.
func TaskID(st *history.State, seq int) string {
	return st.RunID + "-" + itoa(seq)
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b [20]byte
	n := len(b)
	for i > 0 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	return string(b[n:])
}

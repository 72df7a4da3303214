package replay

import (
	"fmt"

	"github.com/infgen/infgen/runtime/internal/history"
)

// Issue records a command: it must match the recorded one with the same
// sequence number, if any; otherwise it is new and returned to the engine.
// The coroutine unwinds if the command does not match.
func (c *Coroutine) Issue(cmd history.Command) *Future {
	s := c.s
	if s.closing { // a deferred call of a coroutine being torn down
		panic(exitSignal{})
	}
	cmd.Seq = s.nextSeq
	s.nextSeq++
	f := &Future{Seq: cmd.Seq, issued: true, kind: cmd.Kind, name: cmd.Name, clock: &s.tick}
	s.futures[cmd.Seq] = f
	if cmd.Seq < len(s.st.Commands) {
		rec := s.st.Commands[cmd.Seq]
		if rec.Kind != cmd.Kind || rec.Name != cmd.Name || (rec.Kind == history.CommandCancel && rec.Target != cmd.Target) {
			s.aborted = &NondeterminismError{Workflow: s.name, ID: s.st.ID, Seq: cmd.Seq, Expected: describe(rec), Found: describe(cmd)}
			panic(abortSignal{s.aborted})
		}
		if rec.Kind == history.CommandInline {
			f.Resolve(rec.Result, rec.Error)
		}
		return f
	}
	s.commands = append(s.commands, cmd)
	return f
}

// Inline runs fn once, the first time the step is reached, and records its
// result; replays return the recorded result without running fn.
func (c *Coroutine) Inline(name string, fn func() ([]byte, *history.Error)) *Future {
	f := c.Issue(history.Command{Kind: history.CommandInline, Name: name})
	if f.Done() {
		return f
	}
	out, err := fn()
	last := &c.s.commands[len(c.s.commands)-1]
	last.Result, last.Error = out, err
	f.Resolve(out, err)
	return f
}

// Cancel cancels the pending step whose result target is: it records a
// cancel command (the engine drops the pending timer or task, cancels the
// child workflow) and resolves target with err at once, so that what waits
// for it goes on. A result recorded for the step afterwards is ignored. It
// reports whether it canceled: a step that is already done, or a future of
// no command, is left as it is.
func (c *Coroutine) Cancel(target *Future, err error) bool {
	if target == nil || target.Done() || !target.issued {
		return false
	}
	c.Issue(history.Command{Kind: history.CommandCancel, Name: target.name, Target: target.Seq})
	target.ResolveLocal(nil, err)
	return true
}

func describe(c history.Command) string {
	switch c.Kind {
	case history.CommandTask:
		return fmt.Sprintf("task %s", c.Name)
	case history.CommandTimer:
		return fmt.Sprintf("timer %s", c.Name)
	case history.CommandChild:
		return fmt.Sprintf("child workflow %s", c.Name)
	case history.CommandInline:
		return fmt.Sprintf("inline step %q", c.Name)
	case history.CommandEmit:
		return fmt.Sprintf("event %s", c.Name)
	case history.CommandCancel:
		return fmt.Sprintf("cancel of step %d (%s)", c.Target, c.Name)
	}
	return string(c.Kind) + " " + c.Name
}

// Emit records an event the workflow publishes: a command with no result,
// done at once. On replay the recorded command is matched and nothing is
// returned to the engine, so the event is published once per run.
func (c *Coroutine) Emit(cmd history.Command) {
	cmd.Kind = history.CommandEmit
	c.Issue(cmd).Resolve(nil, nil)
}

package engine

import (
	"log/slog"
	"time"

	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/internal/message"
)

// continueAsNew ends the current run of st and starts the next one in place:
// same id, name, tags, parent and deadline; input replaced; history, commands
// and pending work cleared; the newest registered version. The signals the
// ending run did not read go to the new run's inbox, in arrival order, and a
// wake-up to self runs it in a step of its own (a workflow that continues as
// new at once cannot spin inside one step). Children of the ending run are
// canceled; results of its tasks, timers and children still in flight carry
// its run id and are dropped when they arrive. Update requests the ending
// run had not decided on (undecided) go to the new run too; those it
// accepted but did not answer fail.
func (e *Engine) continueAsNew(st *history.State, input []byte, unread, undecided []history.Event, now time.Time, out *outbox) {
	keep := map[string]bool{}
	for _, ev := range undecided {
		keep[ev.ID] = true
	}
	e.failUpdates(st, "the workflow continued as new before answering the update", keep, out)
	pruneUpdates(st)
	e.cancelChildren(st, out)
	prev := st.RunID
	st.Run = max(st.Run, 1) + 1
	st.RunID = NewID()
	st.Version = 0
	st.Input = input
	st.Output, st.Error, st.Parked = nil, nil, nil
	st.ResetHistory()
	st.Tasks, st.Timers, st.Children = nil, nil, nil
	st.Inbox = append(append([]history.Event{{Kind: history.EventStarted}}, unread...), undecided...)
	out.toSelf(st, 0, &message.Envelope{Kind: message.Wake})
	e.logRun(st, slog.LevelInfo, "workflow continued as new",
		"previous_run_id", prev, "signals_carried", len(unread))
}

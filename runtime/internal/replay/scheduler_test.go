package replay

import (
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/internal/history"
)

// twoTasks issues two tasks, waits for the first to be ready, and returns
// which one was ready first (in argument order).
func twoTasks(co *Coroutine, _ []byte) ([]byte, *history.Error) {
	a := co.Issue(history.Command{Kind: history.CommandTask, Name: "s.A"})
	b := co.Issue(history.Command{Kind: history.CommandTask, Name: "s.B"})
	co.Block(func() bool { return a.Done() || b.Done() })
	if a.Done() {
		return []byte(`"a"`), nil
	}
	return []byte(`"b"`), nil
}

func state(batches ...[]history.Event) *history.State {
	st := &history.State{ID: "w", Name: "flow", RunID: "r"}
	for _, b := range batches {
		st.Batches = append(st.Batches, history.Batch{Time: time.Unix(0, 0), Events: b})
	}
	return st
}

func TestNewCommandsThenResultsInHistoryOrder(t *testing.T) {
	t.Parallel()
	st := state([]history.Event{{Kind: history.EventStarted}})
	res := Execute(twoTasks, st)
	require.False(t, res.Done)
	require.Len(t, res.Commands, 2)
	st.Commands = res.Commands

	// B completed first in a batch of its own: the workflow sees b.
	st.Batches = append(st.Batches, history.Batch{Events: []history.Event{{Kind: history.EventTaskCompleted, Seq: 1}}})
	res = Execute(twoTasks, st)
	require.True(t, res.Done)
	require.Equal(t, `"b"`, string(res.Output))

	// Both in one batch: the lowest argument wins, on every replay.
	st2 := state([]history.Event{{Kind: history.EventStarted}},
		[]history.Event{{Kind: history.EventTaskCompleted, Seq: 1}, {Kind: history.EventTaskCompleted, Seq: 0}})
	st2.Commands = st.Commands
	for range 5 {
		res = Execute(twoTasks, st2)
		require.Equal(t, `"a"`, string(res.Output))
	}
}

func TestMismatchIsReportedWithStep(t *testing.T) {
	t.Parallel()
	st := state([]history.Event{{Kind: history.EventStarted}})
	st.Commands = []history.Command{{Seq: 0, Kind: history.CommandTimer, Name: "timer"}}
	res := Execute(twoTasks, st)
	require.Error(t, res.Nondeterminism)
	require.Contains(t, res.Nondeterminism.Error(), "step 0: history has timer timer, code issued task s.A")
	require.Empty(t, res.Commands)
}

func TestPanicIsCaught(t *testing.T) {
	t.Parallel()
	res := Execute(func(co *Coroutine, _ []byte) ([]byte, *history.Error) { panic("oops") }, state([]history.Event{{Kind: history.EventStarted}}))
	require.ErrorContains(t, res.Panic, "oops")
	require.False(t, res.Done)
}

func TestBlockedCoroutinesDoNotLeak(t *testing.T) {
	st := state([]history.Event{{Kind: history.EventStarted}})
	fn := func(co *Coroutine, _ []byte) ([]byte, *history.Error) {
		for range 3 {
			co.Scheduler().Go("branch", func(c *Coroutine) { c.Block(func() bool { return false }) })
		}
		co.Block(func() bool { return false })
		return nil, nil
	}
	Execute(fn, st)
	before := runtime.NumGoroutine()
	for range 200 {
		Execute(fn, st)
	}
	require.Eventually(t, func() bool { return runtime.NumGoroutine() <= before+2 }, time.Second, 10*time.Millisecond)
}

// TestDeferredCallsOfTornDownCoroutinesRecordNothing: a coroutine still
// waiting when the replay ends is unwound, which runs its deferred calls; a
// command they issue (a deferred cancel is common) must not be recorded,
// as the code has not reached that point.
func TestDeferredCallsOfTornDownCoroutinesRecordNothing(t *testing.T) {
	t.Parallel()
	fn := func(co *Coroutine, _ []byte) ([]byte, *history.Error) {
		defer co.Block(func() bool { return false })
		defer co.Issue(history.Command{Kind: history.CommandTimer, Name: "deferred"})
		co.Block(func() bool { return false })
		return nil, nil
	}
	res := Execute(fn, state([]history.Event{{Kind: history.EventStarted}}))
	require.Nil(t, res.Panic)
	require.Nil(t, res.Nondeterminism)
	require.Empty(t, res.Commands)
}

// TestFuturesAreOrderedByHistory: Order follows the order events were
// recorded in, not the order of the commands.
func TestFuturesAreOrderedByHistory(t *testing.T) {
	t.Parallel()
	var a, b *Future
	fn := func(co *Coroutine, _ []byte) ([]byte, *history.Error) {
		a = co.Issue(history.Command{Kind: history.CommandTask, Name: "s.A"})
		b = co.Issue(history.Command{Kind: history.CommandTask, Name: "s.B"})
		co.Block(func() bool { return a.Done() && b.Done() })
		return nil, nil
	}
	st := state([]history.Event{{Kind: history.EventStarted}},
		[]history.Event{{Kind: history.EventTaskCompleted, Seq: 1}, {Kind: history.EventSignal, Channel: "c"}, {Kind: history.EventTaskCompleted, Seq: 0}})
	st.Commands = []history.Command{{Seq: 0, Kind: history.CommandTask, Name: "s.A"}, {Seq: 1, Kind: history.CommandTask, Name: "s.B"}}
	res := Replay(fn, st)
	require.True(t, res.Done)
	require.Less(t, b.Order(), a.Order())
	require.NotZero(t, b.Order())
}

// TestUpdatesAreValidatedOnlyInTheNewBatch: the validator decides on the
// requests of the new batch; recorded requests were accepted and run their
// handler without being validated again; a recorded request the code has
// no handler for is a change of the code.
func TestUpdatesAreValidatedOnlyInTheNewBatch(t *testing.T) {
	t.Parallel()
	validated, ran := 0, 0
	handle := func(register bool) Func {
		return func(co *Coroutine, _ []byte) ([]byte, *history.Error) {
			if register {
				co.Scheduler().HandleUpdate("u", UpdateHandler{
					Validate: func(p []byte) *history.Error {
						validated++
						if string(p) == "bad" {
							return &history.Error{Kind: history.ErrorKindWorkflow, Message: "bad input"}
						}
						return nil
					},
					Run: func(co *Coroutine, p []byte) ([]byte, *history.Error) { ran++; return p, nil },
				})
			}
			co.Block(func() bool { return false })
			return nil, nil
		}
	}
	st := state([]history.Event{{Kind: history.EventStarted}, {Kind: history.EventUpdate, Update: "u", ID: "1", Payload: []byte("ok")}},
		[]history.Event{{Kind: history.EventUpdate, Update: "u", ID: "2", Payload: []byte("bad")}})

	res := Execute(handle(true), st)
	require.Equal(t, 1, validated, "only the new batch's request is validated")
	require.Equal(t, 1, ran, "only the accepted request runs")
	require.Equal(t, []UpdateResult{{ID: "1", Name: "u", Done: true, Output: []byte("ok")},
		{ID: "2", Name: "u", Rejected: &history.Error{Kind: history.ErrorKindWorkflow, Message: "bad input"}}}, res.Updates)

	validated, ran = 0, 0
	st.Batches = st.Batches[:1]
	res = Replay(handle(true), st)
	require.Zero(t, validated)
	require.Equal(t, 1, ran)

	res = Replay(handle(false), st)
	require.ErrorContains(t, res.Nondeterminism, `history has update "u" accepted, code issued no handler for it`)

	// In the new batch, no handler is a rejection.
	res = Execute(handle(false), st)
	require.Nil(t, res.Nondeterminism)
	require.Len(t, res.Updates, 1)
	require.Contains(t, res.Updates[0].Rejected.Message, `no handler for update "u"`)
}

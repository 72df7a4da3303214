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

package replay

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/internal/history"
)

// busy exercises what a resumed execution must keep between steps: a
// branch, signals, the batch time, the random source and inline steps.
// (Replaying is not in its output: a resumed execution ran each earlier
// batch live, so it saw false where a replay sees true.)
func busy(co *Coroutine, _ []byte) ([]byte, *history.Error) {
	s := co.Scheduler()
	var log []string
	note := func(what string) {
		log = append(log, fmt.Sprintf("%s@%d/%d", what, s.Now().Unix(), s.Rand().IntN(1000)))
	}
	branch := &Future{}
	s.Go("branch", func(c *Coroutine) {
		t := c.Issue(history.Command{Kind: history.CommandTimer, Name: "1s"})
		c.Block(t.Done)
		branch.ResolveLocal([]byte("timer"), nil)
	})
	for i := range 3 {
		f := co.Issue(history.Command{Kind: history.CommandTask, Name: "s.T"})
		co.Block(f.Done)
		v, _ := f.Value()
		note("task" + string(v))
		in := co.Inline("id", func() ([]byte, *history.Error) { return []byte(fmt.Sprint(i)), nil })
		iv, _ := in.Value()
		note("inline" + string(iv))
	}
	co.Block(func() bool { return s.HasSignal("go") })
	sig, _ := s.PopSignal("go")
	note("signal" + string(sig))
	co.Block(branch.Done)
	note("branch")
	return []byte(fmt.Sprint(log)), nil
}

// TestResumeMatchesReplay drives one execution batch by batch with Resume
// and checks each result against a replay of the whole history, as the
// engine would have run without its cache.
func TestResumeMatchesReplay(t *testing.T) {
	t.Parallel()
	st := &history.State{ID: "w", Name: "busy", RunID: "r"}
	batches := [][]history.Event{
		{{Kind: history.EventStarted}},
		{{Kind: history.EventTaskCompleted, Seq: 1, Payload: []byte("a")}, {Kind: history.EventSignal, Channel: "go", Payload: []byte("x")}},
		{{Kind: history.EventTimerFired, Seq: 0}},
		{{Kind: history.EventTaskCompleted, Seq: 3, Payload: []byte("b")}},
		{{Kind: history.EventSignal, Channel: "go", Payload: []byte("y")}},
		{{Kind: history.EventTaskCompleted, Seq: 5, Payload: []byte("c")}},
	}
	var x *Execution
	for i, b := range batches {
		st.Batches = append(st.Batches, history.Batch{Time: time.Unix(int64(100*i), 0), Events: b})
		var got Result
		if x == nil {
			x, got = Start(busy, st)
		} else {
			require.True(t, x.Resumable(st), "batch %d", i)
			got = x.Resume()
		}
		want := Execute(busy, st)
		require.Equal(t, want, got, "batch %d", i)
		st.Commands = append(st.Commands, got.Commands...)
		if got.Done {
			require.False(t, x.Resumable(st), "a finished execution is not resumed")
			require.Equal(t, []history.Event{{Kind: history.EventSignal, Channel: "go", Payload: []byte("y")}}, got.Unread)
			require.Contains(t, string(got.Output), "signalx@500/")
		}
	}
	x.Close()
	x.Close()
}

// TestResumableOnlyOnTheNextBatch checks that an execution is resumed only
// on its own state with exactly one new batch.
func TestResumableOnlyOnTheNextBatch(t *testing.T) {
	t.Parallel()
	st := state([]history.Event{{Kind: history.EventStarted}})
	x, res := Start(twoTasks, st)
	defer x.Close()
	st.Commands = res.Commands
	require.False(t, x.Resumable(st), "no new batch")
	other := *st
	other.Batches = append(other.Batches, history.Batch{})
	require.False(t, x.Resumable(&other), "another state")
	st.Batches = append(st.Batches, history.Batch{}, history.Batch{})
	require.False(t, x.Resumable(st), "two new batches")
	st.Batches = st.Batches[:2]
	require.True(t, x.Resumable(st))
	st.Commands = st.Commands[:1]
	require.False(t, x.Resumable(st), "commands not recorded")
	var nilExec *Execution
	require.False(t, nilExec.Resumable(st))
	nilExec.Close()
}

package history

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/retry"
)

// reference is the state's JSON as encoding/json writes it.
func reference(t *testing.T, s *State) string {
	t.Helper()
	type plain State // no methods: encoding/json's own encoding
	b, err := json.Marshal((*plain)(s))
	require.NoError(t, err)
	return string(b)
}

func randomState(r *rand.Rand) *State {
	strs := []string{"", "a", "wf-1", "ünï", "<&>", "tab\there", `quo"te`, "\u2028", "bad\xffutf8"}
	str := func() string { return strs[r.IntN(len(strs))] }
	payloads := []Payload{nil, Payload(`{"n":1}`), Payload(`{ "a" : [1, 2] }`), Payload(`"<b>"`), Payload("\x08\x96\x01bin"),
		Payload(`{"$binary":"aGk="}`), Payload(`1.5e3`)}
	pl := func() Payload { return payloads[r.IntN(len(payloads))] }
	tm := func() time.Time {
		return time.Date(2026, 11, r.IntN(28)+1, r.IntN(24), 0, 0, r.IntN(2)*123456789, []*time.Location{time.UTC, time.FixedZone("x", 3600)}[r.IntN(2)])
	}
	errv := func() *Error {
		if r.IntN(3) > 0 {
			return nil
		}
		return &Error{Kind: ErrorKind(str()), Message: str(), Service: str(), Attempts: r.IntN(3), Payload: pl(), Cause: &Error{Kind: "k", Message: str()}}
	}
	s := &State{ID: str(), Name: str(), RunID: str(), Run: r.IntN(3), Version: r.IntN(2), Status: Status(str()), Input: pl(), Output: pl(),
		Error: errv(), TraceParent: str(), Created: tm(), Updated: tm(), LastTrigger: str()}
	if r.IntN(2) == 0 {
		s.Tags = []string{str(), str()}
	}
	if r.IntN(3) == 0 {
		s.Parent = &ParentRef{ID: str(), Name: str(), Seq: r.IntN(4), RunID: str()}
	}
	if r.IntN(3) == 0 {
		s.Deadline = tm()
	}
	ev := func() Event {
		return Event{Kind: EventKind(str()), Seq: r.IntN(12), Channel: str(), Payload: pl(), Error: errv(), ID: str()}
	}
	if r.IntN(5) > 0 {
		s.Batches = []Batch{}
		for range r.IntN(4) {
			b := Batch{Time: tm()}
			if r.IntN(4) > 0 {
				for range r.IntN(3) + 1 {
					b.Events = append(b.Events, ev())
				}
			}
			s.Batches = append(s.Batches, b)
		}
	}
	if r.IntN(5) > 0 {
		s.Commands = []Command{}
		for i := range r.IntN(4) {
			c := Command{Seq: i, Kind: CommandKind(str()), Name: str(), Input: pl(), Codec: str(), Duration: time.Duration(r.IntN(2)) * time.Second,
				ChildID: str(), Timeout: time.Duration(r.IntN(2)), IdempotencyKey: str(), Result: pl(), Error: errv()}
			if r.IntN(3) == 0 {
				c.Meta = map[string]string{str(): str(), "z": str()}
			}
			if r.IntN(3) == 0 {
				c.Retry = &retry.Policy{MaxAttempts: 2, Multiplier: 1.5}
			}
			if r.IntN(3) == 0 {
				c.Tags = []string{str()}
			}
			s.Commands = append(s.Commands, c)
		}
	}
	if r.IntN(3) == 0 {
		s.Inbox = []Event{ev()}
	}
	if r.IntN(2) == 0 {
		s.Tasks = map[int]*PendingTask{}
		for range r.IntN(12) {
			var p *PendingTask
			if r.IntN(5) > 0 {
				p = &PendingTask{Attempt: r.IntN(3), LastErr: str()}
				if r.IntN(2) == 0 {
					p.RetryAt = tm()
				}
			}
			s.Tasks[r.IntN(20)] = p
		}
	}
	if r.IntN(3) == 0 {
		s.Timers = map[int]time.Time{r.IntN(20): tm(), r.IntN(20): tm()}
	}
	if r.IntN(3) == 0 {
		s.Children = map[int]string{r.IntN(20): str(), 100: str(), 9: str()}
	}
	if r.IntN(3) == 0 {
		s.Parked = &Park{Reason: str(), Since: tm()}
	}
	if r.IntN(2) == 0 {
		s.Outbox = []json.RawMessage{json.RawMessage(`{"topic":"t","env":{"a":"<"}}`), json.RawMessage(`{ "x" : 1 }`)}
	}
	return s
}

// TestMarshalIsJSONMarshal checks that Marshal writes what encoding/json
// writes, for random states.
func TestMarshalIsJSONMarshal(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 3000 {
		s := randomState(r)
		got, err := s.Marshal()
		require.NoError(t, err)
		require.Equal(t, reference(t, s), string(got), "state %d", i)
	}
}

// TestMarshalCacheFollowsTheHistory runs a state through what the engine
// does to a history (append batches and commands, change or drop the last
// batch, continue as new, retry failed tasks) and checks that each
// Marshal, served from the cache of the previous ones, is still exact.
func TestMarshalCacheFollowsTheHistory(t *testing.T) {
	t.Parallel()
	s := &State{ID: "w", Name: "f", RunID: "r1", Status: Running, Created: time.Unix(1, 0).UTC(), Updated: time.Unix(2, 0).UTC()}
	check := func(what string) {
		t.Helper()
		got, err := s.Marshal()
		require.NoError(t, err)
		require.Equal(t, reference(t, s), string(got), what)
	}
	check("empty")
	for i := range 20 {
		s.Batches = append(s.Batches, Batch{Time: time.Unix(int64(i), 0).UTC(), Events: []Event{{Kind: EventTaskCompleted, Seq: i, Payload: Payload(`{"i":1}`)}}})
		s.Commands = append(s.Commands, Command{Seq: i, Kind: CommandTask, Name: "s.M", Input: Payload(`{"n":2}`)})
		check("append")
	}
	last := &s.Batches[len(s.Batches)-1]
	last.Events = append(last.Events[:0:0], Event{Kind: EventTaskFailed, Seq: 3})
	check("last batch changed")
	s.Batches = s.Batches[:len(s.Batches)-1]
	check("last batch dropped")
	s.Batches[5].Events = []Event{{Kind: EventSignal, Channel: "c"}}
	check("an earlier batch replaced")
	s.Batches = append(s.Batches, Batch{Time: time.Unix(99, 0).UTC()})
	check("batch without events")
	s.RunID, s.Batches, s.Commands = "r2", nil, nil
	check("continued as new")
	s.Batches = []Batch{{Time: time.Unix(1, 0).UTC(), Events: []Event{{Kind: EventStarted}}}}
	s.Commands = []Command{{Seq: 0, Kind: CommandTimer, Name: "1s"}}
	check("new run, first step")
	s.Batches = append(s.Batches, Batch{Time: time.Unix(1, 0).In(time.FixedZone("x", 7200)), Events: s.Batches[0].Events})
	check("same events, another zone")
}

package history

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// grow appends n steps (a batch and a command each) to s, and marks them
// stored as a successful write would.
func grow(s *State, n int) {
	for range n {
		i := len(s.Commands)
		s.Batches = append(s.Batches, Batch{Time: time.Unix(int64(i), 0).UTC(), Events: []Event{{Kind: EventTaskCompleted, Seq: i - 1, Payload: Payload(fmt.Sprintf(`{"i":%d}`, i))}}})
		s.Commands = append(s.Commands, Command{Seq: i, Kind: CommandTask, Name: "s.M", Input: Payload(`{"n":1}`)})
	}
	s.Stored()
}

// TestSealedHistoryRoundTrip seals a growing history segment by segment,
// as the engine does before each write, and checks that the record holds
// only the unsealed part, that record plus segments give the whole history
// back, and that the record reads as encoding/json reads the struct.
func TestSealedHistoryRoundTrip(t *testing.T) {
	t.Parallel()
	s := &State{ID: "w", Name: "f", RunID: "r", Status: Running, Created: time.Unix(1, 0).UTC(), Updated: time.Unix(1, 0).UTC()}
	segments := map[Segment][]byte{}
	for range 12 {
		grow(s, 7)
		if seg := s.PlanSegment(10); seg != nil {
			data, err := s.MarshalSegment(*seg)
			require.NoError(t, err)
			segments[*seg] = data
			s.Seal(*seg)
		}
		rec, err := s.Marshal()
		require.NoError(t, err)

		back, err := Unmarshal(rec)
		require.NoError(t, err)
		require.Equal(t, s.Sealed == nil, back.Complete())
		require.Equal(t, len(s.Commands), back.Steps())
		if s.Sealed != nil {
			require.Equal(t, len(s.Batches)-s.Sealed.Batches, len(back.Batches), "the record holds the unsealed batches")
		}
		type plain State
		want, err := json.Marshal((*plain)(back))
		require.NoError(t, err)
		require.Equal(t, string(want), string(rec), "the record is the struct's JSON")
		again, err := back.Marshal()
		require.NoError(t, err)
		require.Equal(t, string(rec), string(again), "a record read back writes the same record")

		var segs []SegmentRecord
		if s.Sealed != nil {
			for _, seg := range s.Sealed.Segments {
				var r SegmentRecord
				require.NoError(t, json.Unmarshal(segments[seg], &r))
				segs = append(segs, r)
			}
		}
		require.NoError(t, back.Attach(segs))
		require.True(t, back.Complete())
		full, err := back.MarshalFull()
		require.NoError(t, err)
		type noSeal State
		ref := *s
		ref.Sealed = nil
		wantFull, err := json.Marshal((*noSeal)(&ref))
		require.NoError(t, err)
		require.Equal(t, string(wantFull), string(full), "record and segments give the whole history")
	}
	require.Greater(t, len(s.Sealed.Segments), 5)
	for i, seg := range s.Sealed.Segments {
		require.Equal(t, len(s.Batches)-1 >= seg.FirstBatch+seg.Batches, true, "segment %d", i)
	}
}

// TestSegmentsHoldOnlyStoredHistory checks that a step's new batch and
// commands, not yet written, are never sealed, and that a state read from
// its record alone cannot be sealed or written in full.
func TestSegmentsHoldOnlyStoredHistory(t *testing.T) {
	t.Parallel()
	s := &State{ID: "w", RunID: "r"}
	grow(s, 20)
	s.Batches = append(s.Batches, Batch{Time: time.Unix(99, 0).UTC()})
	s.Commands = append(s.Commands, Command{Seq: 20, Kind: CommandTask, Name: "new"})
	seg := s.PlanSegment(5)
	require.NotNil(t, seg)
	require.Equal(t, Segment{FirstBatch: 0, Batches: 20, FirstCommand: 0, Commands: 20}, *seg)
	s.Seal(*seg)
	require.Nil(t, s.PlanSegment(5), "nothing stored left to seal")

	rec, err := s.Marshal()
	require.NoError(t, err)
	head, err := Unmarshal(rec)
	require.NoError(t, err)
	require.Nil(t, head.PlanSegment(1))
	_, err = head.MarshalFull()
	require.Error(t, err)
	require.Error(t, head.Attach(nil), "segments missing")
}

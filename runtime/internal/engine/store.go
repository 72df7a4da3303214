package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/storage"
)

// Storage keys and tags used by the runtime.
const (
	// TagActive holds the ids of workflows that are not finished.
	TagActive = "infgen:active"
	// TagParked holds the ids of parked workflows.
	TagParked = "infgen:parked"
	// TagDeadLetters holds the ids of dead letters.
	TagDeadLetters = "infgen:dead-letters"
)

// StateKey is the storage key of a workflow's state. Workflow tag sets hold
// state keys; IDFromKey turns one back into a workflow id.
func StateKey(id string) string { return statePrefix + id }

const statePrefix = "wf/"

// IDFromKey returns the workflow id of a state key.
func IDFromKey(key string) string { return strings.TrimPrefix(key, statePrefix) }

// IDsFromKeys maps state keys to workflow ids in place.
func IDsFromKeys(keys []string) []string {
	for i, k := range keys {
		keys[i] = IDFromKey(k)
	}
	return keys
}

// UserTag is the storage tag of a user-given workflow tag.
func UserTag(tag string) string { return "tag/" + tag }

// NameTag is the storage tag of the workflows named name, whatever their
// status: the index the list's name filter reads. A workflow keeps it for
// good (its name never changes).
func NameTag(name string) string { return "name/" + name }

// DeadLetterKey is the storage key of a dead letter.
func DeadLetterKey(id string) string { return "dl/" + id }

// Long histories. A step writes its workflow's state record; were the
// whole history in it, each step of a long run would write (and encode)
// more than the one before. So once the stored history not yet sealed
// holds Options.SegmentSize batches or commands, a step first writes it to a
// segment record of its own, immutable, and the state record keeps only
// what follows (history.Sealed lists the segments). A step thus writes a
// bounded record, plus one segment every SegmentSize steps or so; reading a
// state with its history (a step that does not find it in the cache)
// reads its segments too.
//
// A segment's key names the run and the ranges of batches and commands it
// holds, and holds only history already stored (see
// history.State.PlanSegment), so every writer that writes a given key
// writes the same content: a segment is written create-only, before the
// state record that lists it, and one found already written is the same.

// DefaultSegmentSize is Options.SegmentSize's default.
const DefaultSegmentSize = 64

// SegmentKey is the storage key of a segment of a run's history.
func SegmentKey(id, runID string, seg history.Segment) string {
	return "wfh/" + id + "/" + runID + "/" + itoa(seg.FirstBatch) + "." + itoa(seg.Batches) + "." +
		itoa(seg.FirstCommand) + "." + itoa(seg.Commands)
}

// Load reads a workflow state, with its whole history, and its version.
func Load(ctx context.Context, s storage.Storage, id string) (*history.State, int64, error) {
	st, rec, err := loadHead(ctx, s, id)
	if err != nil {
		return nil, 0, err
	}
	if err := attachSegments(ctx, s, st); err != nil {
		return nil, 0, err
	}
	return st, rec.Version, nil
}

// loadHead reads a workflow's state record: its history holds only what
// follows the sealed part, if any.
func loadHead(ctx context.Context, s storage.Storage, id string) (*history.State, *storage.Record, error) {
	rec, err := s.Get(ctx, &storage.GetParams{ID: StateKey(id)})
	if err != nil {
		return nil, nil, err
	}
	st, err := history.Unmarshal(rec.Data)
	if err != nil {
		return nil, nil, fmt.Errorf("workflow %s: stored state is corrupt: %w", id, err)
	}
	return st, rec, nil
}

// attachSegments reads the segments of a state's sealed history and
// completes the state with them.
func attachSegments(ctx context.Context, s storage.Storage, st *history.State) error {
	if st.Complete() {
		return nil
	}
	segs := make([]history.SegmentRecord, len(st.Sealed.Segments))
	for i, seg := range st.Sealed.Segments {
		key := SegmentKey(st.ID, st.RunID, seg)
		rec, err := s.Get(ctx, &storage.GetParams{ID: key})
		if errors.Is(err, storage.ErrNotFound) {
			return fmt.Errorf("workflow %s: stored state is corrupt: history segment %s is missing", st.ID, key)
		}
		if err != nil {
			return fmt.Errorf("workflow %s: read history segment %s: %w", st.ID, key, err)
		}
		if err := json.Unmarshal(rec.Data, &segs[i]); err != nil {
			return fmt.Errorf("workflow %s: history segment %s is corrupt: %w", st.ID, key, err)
		}
	}
	if err := st.Attach(segs); err != nil {
		return fmt.Errorf("workflow %s: stored state is corrupt: %w", st.ID, err)
	}
	return nil
}

// deleteSegments removes the segments of a run that ended (continued as
// new, restarted), best effort: a segment left behind is never read again.
func deleteSegments(ctx context.Context, s storage.Storage, id, runID string, sealed *history.Sealed) {
	if sealed == nil {
		return
	}
	for _, seg := range sealed.Segments {
		_ = s.Delete(ctx, &storage.DeleteParams{ID: SegmentKey(id, runID, seg), Version: 1})
	}
}

// saveStep writes the state of a step: first, when its stored history not
// yet sealed has grown to segmentSize, a segment with it (see SegmentKey),
// then the state record.
func saveStep(ctx context.Context, s storage.Storage, st *history.State, version int64, addTags, removeTags []string, segmentSize int) (int64, error) {
	if seg := st.PlanSegment(segmentSize); seg != nil {
		data, err := st.MarshalSegment(*seg)
		if err != nil {
			return 0, fmt.Errorf("workflow %s: encode history segment: %w", st.ID, err)
		}
		_, err = s.Put(ctx, &storage.PutParams{ID: SegmentKey(st.ID, st.RunID, *seg), Data: data})
		if err != nil && !errors.Is(err, storage.ErrConflict) {
			return 0, fmt.Errorf("workflow %s: write history segment: %w", st.ID, err)
		}
		st.Seal(*seg)
	}
	v, err := Save(ctx, s, st, version, addTags, removeTags)
	if err == nil {
		st.Stored()
	}
	return v, err
}

// Save writes a workflow state record if its version is still version,
// changing its tags atomically with the write.
func Save(ctx context.Context, s storage.Storage, st *history.State, version int64, addTags, removeTags []string) (int64, error) {
	data, err := st.Marshal()
	if err != nil {
		return 0, fmt.Errorf("workflow %s: encode state: %w", st.ID, err)
	}
	return s.Put(ctx, &storage.PutParams{ID: StateKey(st.ID), Data: data, Version: version, AddTags: addTags, RemoveTags: removeTags})
}

// CreateTags returns the tags of a workflow being created: active, its
// name's, and its user tags.
func CreateTags(st *history.State) []string {
	tags := []string{TagActive, NameTag(st.Name)}
	for _, t := range st.Tags {
		tags = append(tags, UserTag(t))
	}
	return tags
}

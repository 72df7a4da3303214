package engine

import (
	"context"
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

// DeadLetterKey is the storage key of a dead letter.
func DeadLetterKey(id string) string { return "dl/" + id }

// Load reads a workflow state and its version.
func Load(ctx context.Context, s storage.Storage, id string) (*history.State, int64, error) {
	rec, err := s.Get(ctx, &storage.GetParams{ID: StateKey(id)})
	if err != nil {
		return nil, 0, err
	}
	st, err := history.Unmarshal(rec.Data)
	if err != nil {
		return nil, 0, fmt.Errorf("workflow %s: stored state is corrupt: %w", id, err)
	}
	return st, rec.Version, nil
}

// Save writes a workflow state if its version is still version, changing
// its tags atomically with the write.
func Save(ctx context.Context, s storage.Storage, st *history.State, version int64, addTags, removeTags []string) (int64, error) {
	data, err := st.Marshal()
	if err != nil {
		return 0, fmt.Errorf("workflow %s: encode state: %w", st.ID, err)
	}
	return s.Put(ctx, &storage.PutParams{ID: StateKey(st.ID), Data: data, Version: version, AddTags: addTags, RemoveTags: removeTags})
}

// CreateTags returns the tags of a workflow being created: active, and its
// user tags.
func CreateTags(st *history.State) []string {
	tags := []string{TagActive}
	for _, t := range st.Tags {
		tags = append(tags, UserTag(t))
	}
	return tags
}

// Update applies fn to a workflow's state and saves it, retrying on
// conflicts. fn may be called several times.
func Update(ctx context.Context, s storage.Storage, id string, fn func(*history.State) error) (*history.State, error) {
	for i := 0; ; i++ {
		st, v, err := Load(ctx, s, id)
		if err != nil {
			return nil, err
		}
		if err := fn(st); err != nil {
			return nil, err
		}
		if _, err := Save(ctx, s, st, v, nil, nil); err != nil {
			if errors.Is(err, storage.ErrConflict) && i < 50 {
				continue
			}
			return nil, err
		}
		return st, nil
	}
}

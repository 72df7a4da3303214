package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/infgen/infgen/runtime/storage"
)

// DefaultEventRetention is how long a dedup record of a handled event is
// kept by default: a delivery of the event that comes later than that
// runs its handler again.
const DefaultEventRetention = 7 * 24 * time.Hour

// EventsDoneTag is the tag of the dedup records marked done on the UTC day
// of t: a prune pass lists a whole day that has left the retention at once,
// reading nothing newer.
func EventsDoneTag(t time.Time) string { return "infgen:events-done:" + t.UTC().Format(time.DateOnly) }

// pruneLookback is how many days before the retention a prune pass looks
// at: a day's records are deleted by the first pass after the day left the
// retention (every hour while a worker with subscriptions runs), so this
// only bounds how long all workers may stay down without leaving records
// behind. Listing an empty day costs one read.
const pruneLookback = 366

// PruneEvents deletes the dedup records of events handled more than
// retention ago (whole UTC days: a record is kept at least retention, at
// most a day longer), and the stored copies of events (see eventqueue.go)
// queued more than retention ago that a subscription never handled. It
// returns how many records it deleted. Passes of several workers may
// overlap: each record is deleted with a compare-and-set, once. Records of
// days more than pruneLookback days before the retention are left.
func (e *Engine) PruneEvents(ctx context.Context, retention time.Duration) (int, error) {
	if retention <= 0 {
		return 0, nil
	}
	cutoff := e.now().Add(-retention)
	end := cutoff.Truncate(24 * time.Hour) // days before this one are out of the retention
	deleted := 0
	for day := end.AddDate(0, 0, -pruneLookback); day.Before(end); day = day.AddDate(0, 0, 1) {
		n, err := e.pruneDay(ctx, day, cutoff)
		deleted += n
		if err != nil {
			return deleted, err
		}
	}
	n, err := e.pruneQueue(ctx, cutoff)
	return deleted + n, err
}

// pruneDay deletes the dedup records done on day (all before cutoff).
func (e *Engine) pruneDay(ctx context.Context, day, cutoff time.Time) (int, error) {
	tag := EventsDoneTag(day)
	deleted := 0
	for {
		keys, err := e.store.ListTag(ctx, &storage.ListTagParams{Tag: tag, Limit: 500})
		if err != nil {
			return deleted, fmt.Errorf("list the events handled on %s: %w", day.Format(time.DateOnly), err)
		}
		if len(keys) == 0 {
			return deleted, nil
		}
		for _, key := range keys {
			rec, err := e.store.Get(ctx, &storage.GetParams{ID: key})
			switch {
			case errors.Is(err, storage.ErrNotFound):
			case err != nil:
				return deleted, fmt.Errorf("read dedup record %s: %w", key, err)
			default:
				var r eventRecord
				if json.Unmarshal(rec.Data, &r) == nil && r.Status == eventDone && r.Done.Before(cutoff) {
					err := e.store.Delete(ctx, &storage.DeleteParams{ID: key, Version: rec.Version})
					if err == nil {
						deleted++
					} else if !errors.Is(err, storage.ErrNotFound) && !errors.Is(err, storage.ErrConflict) {
						return deleted, fmt.Errorf("delete dedup record %s: %w", key, err)
					}
				}
			}
			if err := e.store.RemoveTag(ctx, &storage.TagParams{Tag: tag, ID: key}); err != nil {
				return deleted, fmt.Errorf("untag dedup record %s: %w", key, err)
			}
		}
	}
}

// pruneQueue deletes the stored copies of events queued before cutoff.
func (e *Engine) pruneQueue(ctx context.Context, cutoff time.Time) (int, error) {
	keys, err := e.listTag(ctx, TagEventQueue)
	if err != nil {
		return 0, fmt.Errorf("list the queued events: %w", err)
	}
	deleted := 0
	for _, key := range keys {
		rec, err := e.store.Get(ctx, &storage.GetParams{ID: key})
		if err != nil {
			continue // gone, or read by the next pass
		}
		var q queuedEvent
		if json.Unmarshal(rec.Data, &q) == nil && q.Queued.Before(cutoff) {
			e.log.Warn("an event kept for its subscribers outlived the event retention; dropped", "event_id", q.ID, "topic", q.Topic)
			e.deleteQueued(ctx, key)
			deleted++
		}
	}
	return deleted, nil
}

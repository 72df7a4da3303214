package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/infgen/infgen/runtime/storage"
)

// TagSchedules holds the storage keys of every schedule.
const TagSchedules = "infgen:schedules"

// ScheduleKey is the storage key of a schedule.
func ScheduleKey(id string) string { return schedulePrefix + id }

const schedulePrefix = "sched/"

// Firing is one firing of a schedule: its nominal time and the id of the
// workflow it starts.
type Firing struct {
	Nominal time.Time `json:"nominal"`
	ID      string    `json:"id"`
	// Reason is "schedule", "catch-up", "trigger", "backfill" or
	// "buffered".
	Reason string `json:"reason"`
	// Started is when the workflow was started (zero while pending).
	Started time.Time `json:"started,omitzero"`
}

// scheduleRecord is a schedule as stored.
type scheduleRecord struct {
	Spec    ScheduleSpec `json:"spec"`
	Created time.Time    `json:"created"`
	Updated time.Time    `json:"updated"`
	Paused  bool         `json:"paused,omitempty"`
	Note    string       `json:"note,omitempty"`
	// Next is the nominal time of the next firing not decided yet (zero:
	// the schedule fires no more).
	Next time.Time `json:"next,omitzero"`
	// Pending are the firings decided and not known to be started yet:
	// the schedule's outbox, which every pass starts (by id, so at most
	// once) until they are.
	Pending []Firing `json:"pending,omitempty"`
	// Buffered is the firing held back by the buffer-one overlap policy.
	Buffered *Firing `json:"buffered,omitempty"`
	// LastRun is the id of the workflow started (or pending) last, whose
	// end the overlap policy waits for.
	LastRun string `json:"lastRun,omitempty"`
	// Recent are the last firings started, newest last.
	Recent []Firing `json:"recent,omitempty"`
	// Started, Skipped and Missed count firings started, dropped by the
	// overlap policy and dropped by the catch-up policy.
	Started int `json:"started"`
	Skipped int `json:"skipped"`
	Missed  int `json:"missed"`
}

// recentFirings is how many started firings a schedule remembers.
const recentFirings = 10

// loadSchedule reads a schedule with its stored record.
func (e *Engine) loadSchedule(ctx context.Context, id string) (*scheduleRecord, *storage.Record, error) {
	rec, err := e.store.Get(ctx, &storage.GetParams{ID: ScheduleKey(id)})
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil, fmt.Errorf("%w: %s", ErrScheduleNotFound, id)
	}
	if err != nil {
		return nil, nil, err
	}
	s := &scheduleRecord{}
	if err := json.Unmarshal(rec.Data, s); err != nil {
		return nil, nil, fmt.Errorf("schedule %s: stored record is corrupt: %w", id, err)
	}
	return s, rec, nil
}

// putSchedule writes s over the record old (nil: s must not exist yet)
// and returns the new record.
func (e *Engine) putSchedule(ctx context.Context, s *scheduleRecord, old *storage.Record) (*storage.Record, error) {
	s.Updated = e.now()
	data, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("schedule %s: encode: %w", s.Spec.ID, err)
	}
	p := &storage.PutParams{ID: ScheduleKey(s.Spec.ID), Data: data}
	if old != nil {
		p.Version = old.Version
	} else {
		p.AddTags = []string{TagSchedules}
	}
	v, err := e.store.Put(ctx, p)
	if err != nil {
		return nil, err
	}
	return &storage.Record{ID: p.ID, Version: v, Data: data}, nil
}

// changeSchedule is the shape of every schedule command: load the record,
// let change validate and alter it, write it once at the version read
// (again when it changed meanwhile). It returns the record as written and
// the one it replaced.
func (e *Engine) changeSchedule(ctx context.Context, id, what string, change func(*scheduleRecord) error) (*scheduleRecord, *storage.Record, *storage.Record, error) {
	for i := 0; ; i++ {
		s, rec, err := e.loadSchedule(ctx, id)
		if errors.Is(err, ErrScheduleNotFound) {
			return nil, nil, nil, err
		}
		if err != nil {
			return nil, nil, nil, fmt.Errorf("%s: %w", what, err)
		}
		if err := change(s); err != nil {
			return nil, nil, nil, fmt.Errorf("%s: %w", what, err)
		}
		nrec, err := e.putSchedule(ctx, s, rec)
		if errors.Is(err, storage.ErrConflict) && i < 50 {
			continue
		}
		if err != nil {
			return nil, nil, nil, fmt.Errorf("%s: %w", what, err)
		}
		return s, rec, nrec, nil
	}
}

// scheduleIDs lists the ids of every schedule, in order.
func (e *Engine) scheduleIDs(ctx context.Context) ([]string, error) {
	var ids []string
	after := ""
	for {
		keys, err := e.store.ListTag(ctx, &storage.ListTagParams{Tag: TagSchedules, After: after, Limit: 500})
		if err != nil {
			return nil, err
		}
		for _, k := range keys {
			ids = append(ids, strings.TrimPrefix(k, schedulePrefix))
		}
		if len(keys) < 500 {
			return ids, nil
		}
		after = keys[len(keys)-1]
	}
}

// pendingIndex returns the index of the pending firing with id, or -1.
func (s *scheduleRecord) pendingIndex(id string) int {
	return slices.IndexFunc(s.Pending, func(f Firing) bool { return f.ID == id })
}

// decided reports whether the firing of workflow id is pending or was
// started: a run triggered in the second a firing is due has its id, and
// is that firing's run.
func (s *scheduleRecord) decided(id string) bool {
	return s.pendingIndex(id) >= 0 || slices.ContainsFunc(s.Recent, func(r Firing) bool { return r.ID == id })
}

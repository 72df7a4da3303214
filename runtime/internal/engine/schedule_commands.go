package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/infgen/infgen/runtime/storage"
)

// The schedule commands: create, pause, resume, trigger, backfill and
// delete. Each loads the schedule, validates the request, writes it once;
// trigger and backfill then start their firings and, when they cannot,
// take them back off, so that a command that fails changes nothing.

// ScheduleInfo describes a schedule: its spec, its state and its recent
// firings.
type ScheduleInfo struct {
	Spec    ScheduleSpec `json:"spec"`
	Paused  bool         `json:"paused"`
	Note    string       `json:"note,omitempty"`
	Created time.Time    `json:"created"`
	Updated time.Time    `json:"updated"`
	// Next are the nominal times of the next firings (none while paused).
	Next []time.Time `json:"next,omitempty"`
	// Pending are firings decided and not started yet.
	Pending []Firing `json:"pending,omitempty"`
	// Buffered is the firing the buffer-one overlap policy holds back.
	Buffered *Firing `json:"buffered,omitempty"`
	// LastRun is the workflow started last, and LastRunStatus its status
	// ("" when it is not stored yet).
	LastRun       string `json:"lastRun,omitempty"`
	LastRunStatus Status `json:"lastRunStatus,omitempty"`
	// Recent are the last firings started, newest last.
	Recent []Firing `json:"recent,omitempty"`
	// Started, Skipped and Missed count the firings started, dropped by
	// the overlap policy, and dropped by the catch-up policy.
	Started int `json:"started"`
	Skipped int `json:"skipped"`
	Missed  int `json:"missed"`
}

// maxBackfill bounds the firings of one backfill.
const maxBackfill = 1000

// CreateSchedule stores a new schedule; its first firing is the first time
// after now. The workflow must be known to the registry unless
// s.AllowUnregistered.
func (e *Engine) CreateSchedule(ctx context.Context, s ScheduleSpec) (*ScheduleInfo, error) {
	s.Tags = slices.Clone(s.Tags)
	tm, err := s.normalize()
	if err != nil {
		return nil, err
	}
	if len(s.Input) == 0 {
		s.Input = []byte("null")
	}
	if !json.Valid(s.Input) {
		return nil, badSchedule("schedule %s: the input is not JSON", s.ID)
	}
	if !s.AllowUnregistered {
		if err := e.CheckWorkflow(ctx, s.Workflow); err != nil {
			return nil, err
		}
	}
	now := e.now()
	rec := &scheduleRecord{Spec: s, Created: now, Paused: s.Paused, Note: s.Note, Next: tm.next(now)}
	rec.Spec.Paused, rec.Spec.Note = false, ""
	if rec.Next.IsZero() {
		return nil, badSchedule("schedule %s: cron %q never fires", s.ID, s.Cron)
	}
	if _, err := e.putSchedule(ctx, rec, nil); errors.Is(err, storage.ErrConflict) {
		return nil, fmt.Errorf("%w: %s", ErrScheduleExists, s.ID)
	} else if err != nil {
		return nil, fmt.Errorf("create schedule %s: %w", s.ID, err)
	}
	e.NudgeSchedules()
	return e.info(ctx, rec, false)
}

// PauseSchedule stops a schedule's firings until it is resumed; note says
// why. Pausing a paused schedule changes nothing.
func (e *Engine) PauseSchedule(ctx context.Context, id, note string) error {
	_, _, _, err := e.changeSchedule(ctx, id, "pause schedule "+id, func(s *scheduleRecord) error {
		if s.Paused && s.Note == note {
			return errUnchanged
		}
		s.Paused, s.Note = true, note
		return nil
	})
	return unchanged(err)
}

// ResumeSchedule resumes a paused schedule: it fires next at its first
// time after now (the times that passed while it was paused do not fire).
func (e *Engine) ResumeSchedule(ctx context.Context, id string) error {
	_, _, _, err := e.changeSchedule(ctx, id, "resume schedule "+id, func(s *scheduleRecord) error {
		if !s.Paused {
			return errUnchanged
		}
		tm, err := s.Spec.normalize()
		if err != nil {
			return err
		}
		s.Paused, s.Note, s.Next = false, "", tm.next(e.now())
		return nil
	})
	if err == nil {
		e.NudgeSchedules()
	}
	return unchanged(err)
}

// unchanged turns a command's errUnchanged into success.
func unchanged(err error) error {
	if errors.Is(err, errUnchanged) {
		return nil
	}
	return err
}

// TriggerSchedule starts a run of the schedule now, whatever its overlap
// policy and even while paused; the run's nominal time is now, to the
// second. It returns the workflow id.
func (e *Engine) TriggerSchedule(ctx context.Context, id string) (string, error) {
	f := firing(id, e.now().Truncate(time.Second), "trigger")
	what := "trigger schedule " + id
	s, old, written, err := e.changeSchedule(ctx, id, what, func(s *scheduleRecord) error {
		if s.decided(f.ID) {
			return errUnchanged // triggered or fired already this second
		}
		s.addPending(f)
		return nil
	})
	if errors.Is(err, errUnchanged) {
		return f.ID, nil
	}
	if err != nil {
		return "", err
	}
	if err := e.startCommand(ctx, s, old, written, []Firing{f}, what); err != nil {
		return "", err
	}
	return f.ID, nil
}

// BackfillSchedule starts a run for every time the schedule fires in
// [from, to], whatever its overlap policy and even while paused, and
// returns their workflow ids. A time that has a run already is not run
// again.
func (e *Engine) BackfillSchedule(ctx context.Context, id string, from, to time.Time) ([]string, error) {
	what := "backfill schedule " + id
	if to.Before(from) {
		return nil, badSchedule("%s: the range ends (%s) before it begins (%s)", what, to.Format(time.RFC3339), from.Format(time.RFC3339))
	}
	var fs []Firing
	s, old, written, err := e.changeSchedule(ctx, id, what, func(s *scheduleRecord) error {
		tm, err := s.Spec.normalize()
		if err != nil {
			return err
		}
		fs = fs[:0]
		for t := tm.next(from.Add(-time.Nanosecond)); !t.IsZero() && !t.After(to); t = tm.next(t) {
			if len(fs) == maxBackfill {
				return badSchedule("more than %d firings from %s to %s: backfill a shorter range at a time", maxBackfill,
					from.Format(time.RFC3339), to.Format(time.RFC3339))
			}
			fs = append(fs, firing(id, t, "backfill"))
		}
		if len(fs) == 0 {
			return errUnchanged
		}
		for _, f := range fs {
			if s.pendingIndex(f.ID) < 0 {
				s.Pending = append(s.Pending, f)
			}
		}
		return nil
	})
	if errors.Is(err, errUnchanged) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if err := e.startCommand(ctx, s, old, written, fs, what); err != nil {
		return nil, err
	}
	ids := make([]string, len(fs))
	for i, f := range fs {
		ids[i] = f.ID
	}
	return ids, nil
}

// startCommand starts the firings a command added to Pending with its
// write (old to written); when none starts, the record is restored byte
// for byte if nothing wrote it since, else the firings not started are
// taken back off; the error says what happened.
func (e *Engine) startCommand(ctx context.Context, s *scheduleRecord, old, written *storage.Record, fs []Firing, what string) error {
	started, err := e.startPending(ctx, s, fs)
	if err == nil {
		return nil
	}
	// The caller's context may be what failed: undo on a fresh one.
	uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if len(started) == 0 {
		_, perr := e.store.Put(uctx, &storage.PutParams{ID: old.ID, Data: old.Data, Version: written.Version})
		if perr == nil {
			return fmt.Errorf("%s: cannot start the run, nothing was changed: %w", what, err)
		}
	}
	var rest []string
	for _, f := range fs {
		if !slices.ContainsFunc(started, func(g Firing) bool { return g.ID == f.ID }) {
			rest = append(rest, f.ID)
		}
	}
	_, _, _, uerr := e.changeSchedule(uctx, s.Spec.ID, what, func(s *scheduleRecord) error {
		n := len(s.Pending)
		s.Pending = slices.DeleteFunc(s.Pending, func(f Firing) bool { return slices.Contains(rest, f.ID) })
		if len(s.Pending) == n {
			return errUnchanged
		}
		return nil
	})
	switch {
	case uerr != nil && !errors.Is(uerr, errUnchanged):
		return fmt.Errorf("%s: cannot start its runs (%w), nor take them back (%v): a worker starts them", what, err, uerr)
	case len(started) > 0:
		return fmt.Errorf("%s: started %d of %d runs; the others were taken back: %w", what, len(started), len(fs), err)
	}
	return fmt.Errorf("%s: cannot start the run, nothing was changed: %w", what, err)
}

// DeleteSchedule removes a schedule: it fires no more (firings decided and
// not started yet are dropped); the runs it started go on.
func (e *Engine) DeleteSchedule(ctx context.Context, id string) error {
	what := "delete schedule " + id
	for i := 0; ; i++ {
		_, rec, err := e.loadSchedule(ctx, id)
		if errors.Is(err, ErrScheduleNotFound) {
			return err
		}
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		err = e.store.Delete(ctx, &storage.DeleteParams{ID: ScheduleKey(id), Version: rec.Version})
		if errors.Is(err, storage.ErrConflict) && i < 50 {
			continue
		}
		if errors.Is(err, storage.ErrNotFound) {
			return fmt.Errorf("%w: %s", ErrScheduleNotFound, id)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		// A tag left behind (a crash here) is removed by the next pass.
		_ = e.store.RemoveTag(ctx, &storage.TagParams{Tag: TagSchedules, ID: ScheduleKey(id)})
		return nil
	}
}

// DescribeSchedule returns a schedule's spec, state and recent firings.
func (e *Engine) DescribeSchedule(ctx context.Context, id string) (*ScheduleInfo, error) {
	s, _, err := e.loadSchedule(ctx, id)
	if err != nil {
		return nil, err
	}
	return e.info(ctx, s, true)
}

// Schedules describes every schedule, in id order.
func (e *Engine) Schedules(ctx context.Context) ([]ScheduleInfo, error) {
	ids, err := e.scheduleIDs(ctx)
	if err != nil {
		return nil, fmt.Errorf("list schedules: %w", err)
	}
	out := make([]ScheduleInfo, 0, len(ids))
	for _, id := range ids {
		s, _, err := e.loadSchedule(ctx, id)
		if errors.Is(err, ErrScheduleNotFound) {
			continue // deleted meanwhile
		}
		if err != nil {
			return nil, err
		}
		info, err := e.info(ctx, s, false)
		if err != nil {
			return nil, err
		}
		out = append(out, *info)
	}
	return out, nil
}

// upcomingFirings is how many next firings ScheduleInfo shows.
const upcomingFirings = 5

// info describes s; withRun reads the status of its last run.
func (e *Engine) info(ctx context.Context, s *scheduleRecord, withRun bool) (*ScheduleInfo, error) {
	info := &ScheduleInfo{Spec: s.Spec, Paused: s.Paused, Note: s.Note, Created: s.Created, Updated: s.Updated,
		Pending: s.Pending, Buffered: s.Buffered, LastRun: s.LastRun, Recent: s.Recent,
		Started: s.Started, Skipped: s.Skipped, Missed: s.Missed}
	if !s.Paused && !s.Next.IsZero() {
		info.Next = []time.Time{s.Next}
		if tm, err := s.Spec.normalize(); err == nil {
			info.Next = append(info.Next, upcoming(tm, s.Next, upcomingFirings-1)...)
		}
	}
	if withRun && s.LastRun != "" {
		st, _, err := e.loadRecord(ctx, s.LastRun)
		switch {
		case err == nil:
			info.LastRunStatus = st.Status
		case !errors.Is(err, storage.ErrNotFound):
			return nil, fmt.Errorf("schedule %s: read its last run %s: %w", s.Spec.ID, s.LastRun, err)
		}
	}
	return info, nil
}

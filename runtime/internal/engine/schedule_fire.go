package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/infgen/infgen/runtime/storage"
)

// Firing. Every worker runs a pass over the schedules every poll interval
// (and when a command or the end of a scheduled run nudges it): for each
// schedule it decides the firings due, in one compare-and-set of the
// schedule's record (moving Next past them and adding them to Pending),
// then starts the pending firings and takes them off in a second one.
// The compare-and-set makes one worker decide each firing; the pending
// list makes a firing decided before a crash start after it; the
// deterministic workflow id makes a pending firing started twice (two
// workers, a crash between start and clear) start once. Why a pass and not
// delayed messages: docs/schedules.md.

const (
	// maxDueSteps bounds the firing times a pass walks through for one
	// schedule (a per-second schedule after a day down); the next pass
	// goes on from there.
	maxDueSteps = 100_000
	// maxDecided bounds the firings a pass decides for one schedule.
	maxDecided = 100
)

// FireSchedules runs one pass over every schedule: it starts the firings
// due and returns the time the earliest next one is due (zero: none).
// When ctx ends, the pass ends after the schedule in hand, whose firings
// it starts first (within 30s).
func (e *Engine) FireSchedules(ctx context.Context) (time.Time, error) {
	ids, err := e.scheduleIDs(ctx)
	if err != nil {
		return time.Time{}, fmt.Errorf("list schedules: %w", err)
	}
	var next time.Time
	var errs []error
	for _, id := range ids {
		if ctx.Err() != nil {
			return next, ctx.Err()
		}
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		n, err := e.fireSchedule(sctx, id)
		cancel()
		if err != nil {
			errs = append(errs, fmt.Errorf("schedule %s: %w", id, err))
			continue
		}
		if !n.IsZero() && (next.IsZero() || n.Before(next)) {
			next = n
		}
	}
	return next, errors.Join(errs...)
}

// RunSchedules runs FireSchedules every poll interval, or sooner when a
// firing is due or NudgeSchedules is called, until ctx ends.
func (e *Engine) RunSchedules(ctx context.Context, poll time.Duration) {
	for {
		next, err := e.FireSchedules(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			e.log.Warn("schedules: a firing pass failed; the next pass tries again", "error", err)
		}
		wait := poll
		if !next.IsZero() {
			wait = min(wait, max(next.Sub(e.now()), time.Millisecond))
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-e.nudge:
			t.Stop()
		case <-t.C:
		}
	}
}

// NudgeSchedules makes RunSchedules run its next pass now.
func (e *Engine) NudgeSchedules() {
	select {
	case e.nudge <- struct{}{}:
	default:
	}
}

// fireSchedule decides the due firings of one schedule and starts its
// pending ones; it returns when its next firing is due.
func (e *Engine) fireSchedule(ctx context.Context, id string) (time.Time, error) {
	for i := 0; ; i++ {
		s, rec, err := e.loadSchedule(ctx, id)
		if errors.Is(err, ErrScheduleNotFound) {
			// Deleted meanwhile, or between its delete and untagging.
			return time.Time{}, e.store.RemoveTag(ctx, &storage.TagParams{Tag: TagSchedules, ID: ScheduleKey(id)})
		}
		if err != nil {
			return time.Time{}, err
		}
		changed, err := e.decide(ctx, s)
		if err != nil {
			return time.Time{}, err
		}
		if changed {
			_, err := e.putSchedule(ctx, s, rec)
			if errors.Is(err, storage.ErrConflict) && i < 20 {
				continue // another worker decided: look again
			}
			if err != nil {
				return time.Time{}, err
			}
		}
		if len(s.Pending) > 0 {
			if _, err := e.startPending(ctx, s, s.Pending); err != nil {
				return time.Time{}, err
			}
		}
		return s.dueAt(), nil
	}
}

// dueAt is when the schedule's next firing is due (zero: paused or none).
func (s *scheduleRecord) dueAt() time.Time {
	if s.Paused || s.Next.IsZero() {
		return time.Time{}
	}
	return s.Next.Add(jitter(s.Spec.ID, s.Next, s.Spec.Jitter))
}

// decide moves the firings due by now to Pending (or drops them) by the
// schedule's catch-up and overlap policies, and starts a buffered firing
// whose wait is over. It reports whether s changed.
func (e *Engine) decide(ctx context.Context, s *scheduleRecord) (bool, error) {
	tm, err := s.Spec.normalize()
	if err != nil {
		return false, err
	}
	if s.Paused {
		return false, nil // a buffered firing waits for the resume too
	}
	now := e.now()
	changed := false
	var fire []Firing
	if !s.Next.IsZero() {
		var missed int
		var next time.Time
		fire, missed, next = s.due(tm, now)
		changed = !next.Equal(s.Next) || missed > 0 || len(fire) > 0
		s.Next, s.Missed = next, s.Missed+missed
	}
	if len(fire) == 0 && s.Buffered == nil {
		return changed, nil
	}
	running := false
	if s.Spec.Overlap != OverlapAllowAll {
		if running, err = e.lastRunRunning(ctx, s); err != nil {
			return false, err
		}
	}
	if s.Buffered != nil && !running {
		s.addPending(*s.Buffered)
		s.Buffered, running, changed = nil, true, true
	}
	for _, f := range fire {
		switch {
		case s.decided(f.ID):
			// Triggered in its second: that run is this firing's.
		case s.Spec.Overlap == OverlapAllowAll || !running:
			s.addPending(f)
			running = true
		case s.Spec.Overlap == OverlapBufferOne && s.Buffered == nil:
			b := f
			b.Reason = "buffered"
			s.Buffered = &b
		default:
			s.Skipped++
		}
	}
	return changed, nil
}

// due walks the firing times from s.Next to now and returns the firings
// to start, how many were dropped as missed, and the new Next.
func (s *scheduleRecord) due(tm timing, now time.Time) (fire []Firing, missed int, next time.Time) {
	spec := &s.Spec
	t := s.Next
	var last time.Time // the newest missed firing, under CatchUpLast
	ended := false
	for steps := 0; steps < maxDueSteps && len(fire) < maxDecided; steps++ {
		if t.IsZero() {
			ended = true
			break
		}
		at := t.Add(jitter(spec.ID, t, spec.Jitter))
		if at.After(now) {
			ended = true
			break
		}
		if now.Sub(at) <= spec.CatchUpWindow {
			if !last.IsZero() {
				fire = append(fire, firing(spec.ID, last, "catch-up"))
				last = time.Time{}
			}
			fire = append(fire, firing(spec.ID, t, "schedule"))
		} else {
			switch spec.CatchUp {
			case CatchUpAll:
				fire = append(fire, firing(spec.ID, t, "catch-up"))
			case CatchUpLast:
				if !last.IsZero() {
					missed++
				}
				last = t
			default:
				missed++
			}
		}
		t = tm.next(t)
	}
	if !last.IsZero() {
		if ended {
			fire = append(fire, firing(spec.ID, last, "catch-up"))
		} else {
			t = last // decided by the next pass, which walks on from here
		}
	}
	return fire, missed, t
}

func firing(schedule string, nominal time.Time, reason string) Firing {
	return Firing{Nominal: nominal, ID: FiringID(schedule, nominal), Reason: reason}
}

// addPending adds a firing to Pending (once) and makes it the last run.
func (s *scheduleRecord) addPending(f Firing) {
	if s.pendingIndex(f.ID) < 0 {
		s.Pending = append(s.Pending, f)
	}
	s.LastRun = f.ID
}

// lastRunRunning reports whether the workflow the schedule started last is
// still running (or still to start).
func (e *Engine) lastRunRunning(ctx context.Context, s *scheduleRecord) (bool, error) {
	if s.LastRun == "" {
		return false, nil
	}
	if s.pendingIndex(s.LastRun) >= 0 {
		return true, nil
	}
	st, _, err := e.loadRecord(ctx, s.LastRun)
	if errors.Is(err, storage.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read its last run %s: %w", s.LastRun, err)
	}
	return !st.Status.Terminal(), nil
}

// startPending starts the workflows of firings (pending in s), in order
// until one fails, and takes those started off the schedule's Pending
// list; it returns them and the error that stopped it. Starting one twice
// finds the first: the id is the same.
func (e *Engine) startPending(ctx context.Context, s *scheduleRecord, firings []Firing) ([]Firing, error) {
	spec := &s.Spec
	tags := append(slices.Clone(spec.Tags), ScheduleTag(spec.ID))
	var started []Firing
	var startErr error
	for _, f := range firings {
		_, err := e.Start(ctx, &StartCommand{Workflow: spec.Workflow, ID: f.ID, Input: spec.Input, Tags: tags,
			Timeout: spec.Timeout, AllowUnregistered: true})
		if err != nil {
			startErr = fmt.Errorf("start %s: %w", f.ID, err)
			break
		}
		f.Started = e.now()
		started = append(started, f)
	}
	if len(started) > 0 {
		if err := e.clearPending(ctx, spec.ID, started); err != nil {
			// They started: the next pass finds them started and clears them.
			e.log.Warn("schedules: cannot record the runs started; the next pass does", "schedule", spec.ID, "error", err)
		}
	}
	return started, startErr
}

// clearPending takes started firings off a schedule's Pending list, and
// counts them, unless another worker did.
func (e *Engine) clearPending(ctx context.Context, id string, started []Firing) error {
	for i := 0; ; i++ {
		s, rec, err := e.loadSchedule(ctx, id)
		if errors.Is(err, ErrScheduleNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		n := 0
		for _, f := range started {
			if j := s.pendingIndex(f.ID); j >= 0 {
				s.Pending = slices.Delete(s.Pending, j, j+1)
				s.Recent = append(s.Recent, f)
				s.Started++
				n++
			}
		}
		if n == 0 {
			return nil
		}
		if len(s.Recent) > recentFirings {
			s.Recent = slices.Clone(s.Recent[len(s.Recent)-recentFirings:])
		}
		_, err = e.putSchedule(ctx, s, rec)
		if errors.Is(err, storage.ErrConflict) && i < 50 {
			continue
		}
		return err
	}
}

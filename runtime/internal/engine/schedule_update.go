package engine

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"time"
)

// ScheduleUpdate changes a schedule's spec: each field that is set
// replaces the spec's, the others are left as they are. Setting Cron to a
// non-empty expression drops the interval (and Every the cron expression
// and its time zone), unless the update sets both.
type ScheduleUpdate struct {
	Workflow      *string         `json:"workflow,omitempty"`
	Input         json.RawMessage `json:"input,omitempty"`
	Tags          *[]string       `json:"tags,omitempty"`
	Timeout       *time.Duration  `json:"timeout,omitempty"`
	Cron          *string         `json:"cron,omitempty"`
	Every         *time.Duration  `json:"every,omitempty"`
	TimeZone      *string         `json:"timeZone,omitempty"`
	Overlap       *OverlapPolicy  `json:"overlap,omitempty"`
	CatchUp       *CatchUpPolicy  `json:"catchUp,omitempty"`
	CatchUpWindow *time.Duration  `json:"catchUpWindow,omitempty"`
	Jitter        *time.Duration  `json:"jitter,omitempty"`
	// Paused pauses (true) or resumes (false) the schedule, Note saying
	// why it is paused.
	Paused *bool   `json:"paused,omitempty"`
	Note   *string `json:"note,omitempty"`
	// AllowUnregistered accepts a Workflow no worker has registered on the
	// store yet.
	AllowUnregistered bool `json:"allowUnregistered,omitempty"`
}

// UpdateSchedule changes a schedule's spec with one compare-and-set of its
// record; an update that is refused (a bad cron expression, an unknown
// workflow) changes nothing. When the times it fires at change (cron,
// interval, time zone) or it is resumed, its next firing is the first of
// the new times after now; otherwise it keeps its next firing (jitter and
// the policies apply from the next pass). Firings already decided keep
// their workflow ids: the ones started go on, the pending ones start as
// decided, with the updated input, tags and timeout.
func (e *Engine) UpdateSchedule(ctx context.Context, id string, u ScheduleUpdate) (*ScheduleInfo, error) {
	what := "update schedule " + id
	if u.Input != nil && !json.Valid(u.Input) {
		return nil, badSchedule("schedule %s: the input is not JSON", id)
	}
	if u.Workflow != nil && !u.AllowUnregistered {
		if err := e.CheckWorkflow(ctx, *u.Workflow); err != nil {
			return nil, err
		}
	}
	s, _, _, err := e.changeSchedule(ctx, id, what, func(s *scheduleRecord) error {
		spec := s.Spec
		spec.Tags = slices.Clone(spec.Tags)
		u.apply(&spec)
		tm, err := spec.normalize()
		if err != nil {
			return err
		}
		paused, note := s.Paused, s.Note
		if u.Paused != nil {
			paused = *u.Paused
			if !paused {
				note = ""
			}
		}
		if u.Note != nil && paused {
			note = *u.Note
		}
		if reflect.DeepEqual(spec, s.Spec) && paused == s.Paused && note == s.Note {
			return errUnchanged
		}
		retimed := spec.Cron != s.Spec.Cron || spec.Every != s.Spec.Every || spec.TimeZone != s.Spec.TimeZone
		resumed := s.Paused && !paused
		if retimed || resumed {
			next := tm.next(e.now())
			if next.IsZero() {
				return badSchedule("schedule %s: cron %q never fires", id, spec.Cron)
			}
			s.Next = next
		}
		s.Spec, s.Paused, s.Note = spec, paused, note
		return nil
	})
	if errors.Is(err, errUnchanged) {
		return e.DescribeSchedule(ctx, id)
	}
	if err != nil {
		return nil, err
	}
	e.NudgeSchedules()
	return e.info(ctx, s, true)
}

// apply sets the fields of spec that u sets.
func (u *ScheduleUpdate) apply(spec *ScheduleSpec) {
	if u.Workflow != nil {
		spec.Workflow = *u.Workflow
	}
	if u.Input != nil {
		spec.Input = slices.Clone(u.Input)
	}
	if u.Tags != nil {
		spec.Tags = slices.Clone(*u.Tags)
	}
	if u.Timeout != nil {
		spec.Timeout = *u.Timeout
	}
	if u.Cron != nil {
		spec.Cron = *u.Cron
		if spec.Cron != "" && u.Every == nil {
			spec.Every = 0
		}
	}
	if u.Every != nil {
		spec.Every = *u.Every
		if spec.Every != 0 && u.Cron == nil {
			spec.Cron = ""
			if u.TimeZone == nil {
				spec.TimeZone = ""
			}
		}
	}
	if u.TimeZone != nil {
		spec.TimeZone = *u.TimeZone
	}
	if u.Overlap != nil {
		spec.Overlap = *u.Overlap
	}
	if u.CatchUp != nil {
		spec.CatchUp = *u.CatchUp
	}
	if u.CatchUpWindow != nil {
		spec.CatchUpWindow = *u.CatchUpWindow
	}
	if u.Jitter != nil {
		spec.Jitter = *u.Jitter
	}
	if u.AllowUnregistered {
		spec.AllowUnregistered = true
	}
}

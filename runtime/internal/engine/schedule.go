package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/infgen/infgen/runtime/internal/history"
)

// Durable schedules (docs/schedules.md). A schedule is a record in
// storage, like a workflow's state, changed only here: by its commands
// (schedule_commands.go) and by the firing pass every worker runs
// (schedule_fire.go), each a compare-and-set at the version read. Each
// firing starts a workflow whose id is the schedule's id and the firing's
// nominal time, so that starting it twice finds the first (Start is
// idempotent by id).

// Errors of the schedule commands; package client re-exports them.
var (
	// ErrScheduleNotFound is returned for an unknown schedule id.
	ErrScheduleNotFound = errors.New("schedule not found")
	// ErrScheduleExists is returned when creating a schedule whose id is
	// taken.
	ErrScheduleExists = errors.New("schedule already exists")
	// ErrBadSchedule is matched by the error of a schedule that cannot be
	// created as given (a bad cron expression, time zone or policy).
	ErrBadSchedule = errors.New("bad schedule")
)

// BadScheduleError says what is wrong with a schedule; it matches
// ErrBadSchedule.
type BadScheduleError struct{ Msg string }

func (e *BadScheduleError) Error() string { return e.Msg }

// Is reports whether target is ErrBadSchedule.
func (e *BadScheduleError) Is(target error) bool { return target == ErrBadSchedule }

func badSchedule(format string, args ...any) error {
	return &BadScheduleError{Msg: fmt.Sprintf(format, args...)}
}

// OverlapPolicy says what a firing does while the run the schedule started
// before is still running.
type OverlapPolicy string

// Overlap policies.
const (
	// OverlapSkip drops the firing (the default).
	OverlapSkip OverlapPolicy = "skip"
	// OverlapBufferOne keeps one firing, started when the running run
	// finishes; the firings after it are dropped.
	OverlapBufferOne OverlapPolicy = "buffer-one"
	// OverlapAllowAll starts every firing, whatever runs.
	OverlapAllowAll OverlapPolicy = "allow-all"
)

// CatchUpPolicy says what becomes of the firings missed while no worker
// ran (see ScheduleSpec.CatchUpWindow).
type CatchUpPolicy string

// Catch-up policies.
const (
	// CatchUpNone drops missed firings.
	CatchUpNone CatchUpPolicy = "none"
	// CatchUpLast starts the newest missed firing and drops the older ones:
	// one run makes up for the gap (the default).
	CatchUpLast CatchUpPolicy = "last"
	// CatchUpAll starts every missed firing, oldest first.
	CatchUpAll CatchUpPolicy = "all"
)

// DefaultCatchUpWindow is ScheduleSpec.CatchUpWindow's default.
const DefaultCatchUpWindow = time.Minute

// ScheduleSpec describes a schedule: when it fires (Cron or Every) and
// the workflow each firing starts.
type ScheduleSpec struct {
	ID string `json:"id"`
	// Workflow is the registered name each firing starts, with Input
	// (JSON), Tags and Timeout.
	Workflow string          `json:"workflow"`
	Input    json.RawMessage `json:"input,omitempty"`
	Tags     []string        `json:"tags,omitempty"`
	Timeout  time.Duration   `json:"timeout,omitempty"`
	Cron     string          `json:"cron,omitempty"`
	Every    time.Duration   `json:"every,omitempty"`
	TimeZone string          `json:"timeZone,omitempty"`
	Overlap  OverlapPolicy   `json:"overlap,omitempty"`
	CatchUp  CatchUpPolicy   `json:"catchUp,omitempty"`
	// CatchUpWindow is how late a firing may start: one that no worker
	// reached within it was missed, and CatchUp decides.
	CatchUpWindow time.Duration `json:"catchUpWindow,omitempty"`
	// Jitter delays each firing by up to this long, by an amount fixed
	// by the schedule id and the nominal time (every worker agrees).
	Jitter time.Duration `json:"jitter,omitempty"`
	// Paused creates the schedule paused.
	Paused bool `json:"paused,omitempty"`
	// Note says why (with Paused).
	Note string `json:"note,omitempty"`
	// AllowUnregistered creates a schedule of a workflow no worker has
	// registered on the store yet.
	AllowUnregistered bool `json:"allowUnregistered,omitempty"`
}

// cronParser reads 5 fields, or 6 with seconds first, descriptors
// (@daily, @every 1h) and CRON_TZ= / TZ= prefixes.
var cronParser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// timing is when a schedule fires: the times after a given one.
type timing interface {
	// next returns the first firing strictly after t, or the zero time
	// when there is none.
	next(t time.Time) time.Time
}

type cronTiming struct{ s cron.Schedule }

func (c cronTiming) next(t time.Time) time.Time {
	n := c.s.Next(t)
	if n.IsZero() {
		return n
	}
	return n.UTC()
}

// everyTiming fires at the multiples of d since the Unix epoch (UTC), so
// that every worker computes the same times: every hour fires on the hour.
type everyTiming struct{ d time.Duration }

func (e everyTiming) next(t time.Time) time.Time {
	return t.Truncate(e.d).Add(e.d).UTC()
}

// normalize fills the defaults and checks s; it returns s's timing.
func (s *ScheduleSpec) normalize() (timing, error) {
	switch {
	case s.ID == "":
		return nil, badSchedule("schedule id is empty")
	case strings.ContainsAny(s.ID, "@/ \t\n"):
		return nil, badSchedule("schedule id %q: use no '@', '/' or spaces", s.ID)
	case s.Workflow == "":
		return nil, badSchedule("schedule %s: the workflow name is empty", s.ID)
	case s.Cron != "" && s.Every != 0:
		return nil, badSchedule("schedule %s: give a cron expression or an interval, not both", s.ID)
	case s.Cron == "" && s.Every == 0:
		return nil, badSchedule("schedule %s: give a cron expression or an interval", s.ID)
	case s.Every != 0 && s.Every < time.Second:
		return nil, badSchedule("schedule %s: interval %s is shorter than a second", s.ID, s.Every)
	case s.Jitter < 0 || s.CatchUpWindow < 0 || s.Timeout < 0:
		return nil, badSchedule("schedule %s: jitter, catch-up window and timeout cannot be negative", s.ID)
	}
	switch s.Overlap {
	case "":
		s.Overlap = OverlapSkip
	case OverlapSkip, OverlapBufferOne, OverlapAllowAll:
	default:
		return nil, badSchedule("schedule %s: overlap policy %q: want skip, buffer-one or allow-all", s.ID, s.Overlap)
	}
	switch s.CatchUp {
	case "":
		s.CatchUp = CatchUpLast
	case CatchUpNone, CatchUpLast, CatchUpAll:
	default:
		return nil, badSchedule("schedule %s: catch-up policy %q: want none, last or all", s.ID, s.CatchUp)
	}
	if s.CatchUpWindow == 0 {
		s.CatchUpWindow = DefaultCatchUpWindow
	}
	if s.TimeZone != "" {
		if _, err := time.LoadLocation(s.TimeZone); err != nil {
			return nil, badSchedule("bad time zone %q: %v", s.TimeZone, err)
		}
	}
	if s.Every != 0 {
		if s.TimeZone != "" {
			return nil, badSchedule("schedule %s: a time zone applies to a cron expression, not to an interval", s.ID)
		}
		return everyTiming{s.Every}, nil
	}
	return parseCron(s.Cron, s.TimeZone)
}

// parseCron parses a cron expression, in zone when it names none.
func parseCron(expr, zone string) (timing, error) {
	full := expr
	if zone != "" && !strings.HasPrefix(expr, "TZ=") && !strings.HasPrefix(expr, "CRON_TZ=") {
		full = "CRON_TZ=" + zone + " " + expr
	}
	sched, err := cronParser.Parse(full)
	if err != nil {
		return nil, badSchedule("bad cron %q: %v", expr, err)
	}
	return cronTiming{sched}, nil
}

// ParseCron checks a cron expression as schedules read it: 5 fields, or 6
// with seconds first, a descriptor (@daily, @every 1h), an optional
// CRON_TZ= prefix. It returns the first firings after from.
func ParseCron(expr, zone string, from time.Time, n int) ([]time.Time, error) {
	t, err := parseCron(expr, zone)
	if err != nil {
		return nil, err
	}
	return upcoming(t, from, n), nil
}

// upcoming returns up to n firings after from.
func upcoming(t timing, from time.Time, n int) []time.Time {
	var out []time.Time
	for at := t.next(from); !at.IsZero() && len(out) < n; at = t.next(at) {
		out = append(out, at)
	}
	return out
}

// FiringID is the id of the workflow a schedule's firing at a nominal time
// starts: "nightly@2026-12-07T02:00:00Z".
func FiringID(schedule string, nominal time.Time) string {
	return schedule + "@" + nominal.UTC().Format(time.RFC3339Nano)
}

// jitter is the delay of the firing at nominal: up to max, fixed by the
// schedule id and the nominal time.
func jitter(id string, nominal time.Time, max time.Duration) time.Duration {
	if max <= 0 {
		return 0
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(FiringID(id, nominal)))
	return time.Duration(h.Sum64() % uint64(max))
}

// ScheduleTag is the user tag of the workflows a schedule starts: list
// them with `infgen workflow list --tag schedule:ID`.
func ScheduleTag(id string) string { return "schedule:" + id }

// scheduled reports whether a schedule started the workflow.
func scheduled(st *history.State) bool {
	return slices.ContainsFunc(st.Tags, func(t string) bool { return strings.HasPrefix(t, "schedule:") })
}

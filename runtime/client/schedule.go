package client

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/infgen/infgen/runtime/internal/engine"
)

// Schedules (docs/schedules.md): each firing of a schedule starts its
// workflow with the id "<schedule id>@<nominal time>", so that no firing
// starts twice. Workers fire them (worker.Options.SchedulePoll).

var (
	// ErrScheduleNotFound is returned for an unknown schedule id.
	ErrScheduleNotFound = engine.ErrScheduleNotFound
	// ErrScheduleExists is returned by CreateSchedule for an id taken.
	ErrScheduleExists = engine.ErrScheduleExists
	// ErrBadSchedule is matched by the error of a schedule that cannot be
	// created as given: a bad cron expression, time zone, interval or
	// policy. The error says what is wrong.
	ErrBadSchedule = engine.ErrBadSchedule
)

type (
	// ScheduleInfo describes a schedule: its spec, state and recent firings.
	ScheduleInfo = engine.ScheduleInfo
	// ScheduleSpec is a schedule as stored.
	ScheduleSpec = engine.ScheduleSpec
	// Firing is one firing of a schedule: its nominal time and the id of
	// the workflow it starts.
	Firing = engine.Firing
	// OverlapPolicy says what a firing does while the schedule's previous
	// run still runs.
	OverlapPolicy = engine.OverlapPolicy
	// CatchUpPolicy says what becomes of the firings missed while no
	// worker ran.
	CatchUpPolicy = engine.CatchUpPolicy
)

// Overlap and catch-up policies.
const (
	OverlapSkip      = engine.OverlapSkip
	OverlapBufferOne = engine.OverlapBufferOne
	OverlapAllowAll  = engine.OverlapAllowAll
	CatchUpNone      = engine.CatchUpNone
	CatchUpLast      = engine.CatchUpLast
	CatchUpAll       = engine.CatchUpAll
)

// ScheduleParams describe a schedule to create.
type ScheduleParams struct {
	// ID names the schedule; it prefixes the id of every workflow it
	// starts (no '@', '/' or spaces).
	ID string
	// Workflow is the registered name each firing starts, with Input
	// (encoded as JSON), Tags and Timeout. The runs also carry the tag
	// "schedule:<ID>".
	Workflow string
	Input    any
	Tags     []string
	Timeout  time.Duration
	// Cron is a cron expression: 5 fields (minute hour day-of-month month
	// day-of-week), or 6 with seconds first, or a descriptor (@daily,
	// @every 90m); a CRON_TZ=Europe/Paris prefix or TimeZone sets its
	// time zone (default UTC).
	Cron     string
	TimeZone string
	// Every fires at a fixed interval instead, at the multiples of Every
	// since the Unix epoch: every hour fires on the hour.
	Every time.Duration
	// Overlap says what a firing does while the previous run still runs:
	// skip it (the default), buffer one, or allow all.
	Overlap OverlapPolicy
	// CatchUp says what becomes of the firings no worker reached within
	// CatchUpWindow (default 1m) of their time, because none ran: start
	// the last one (the default), none, or all.
	CatchUp       CatchUpPolicy
	CatchUpWindow time.Duration
	// Jitter delays each firing by up to this long (the same delay on
	// every worker), to spread the load of many schedules.
	Jitter time.Duration
	// Paused creates the schedule paused, Note saying why.
	Paused bool
	Note   string
	// AllowUnregistered creates a schedule of a workflow no worker has
	// registered on this store yet; without it that is an
	// ErrUnknownWorkflow error, as for Start.
	AllowUnregistered bool
}

// CreateSchedule stores a new schedule; it first fires at its first time
// after now. A schedule that cannot fire as given is an ErrBadSchedule
// error saying why; an id taken is ErrScheduleExists.
func (c *Client) CreateSchedule(ctx context.Context, p ScheduleParams) (*ScheduleInfo, error) {
	in, err := json.Marshal(p.Input)
	if err != nil {
		return nil, fmt.Errorf("client: encode input of schedule %s: %w", p.ID, err)
	}
	return c.e.CreateSchedule(ctx, engine.ScheduleSpec{ID: p.ID, Workflow: p.Workflow, Input: in, Tags: p.Tags,
		Timeout: p.Timeout, Cron: p.Cron, TimeZone: p.TimeZone, Every: p.Every, Overlap: p.Overlap, CatchUp: p.CatchUp,
		CatchUpWindow: p.CatchUpWindow, Jitter: p.Jitter, Paused: p.Paused, Note: p.Note, AllowUnregistered: p.AllowUnregistered})
}

// ListSchedules describes every schedule, in id order.
func (c *Client) ListSchedules(ctx context.Context) ([]ScheduleInfo, error) {
	return c.e.Schedules(ctx)
}

// DescribeSchedule describes a schedule: its spec, next firings, the runs
// it started last and the status of the newest.
func (c *Client) DescribeSchedule(ctx context.Context, id string) (*ScheduleInfo, error) {
	return c.e.DescribeSchedule(ctx, id)
}

// PauseSchedule stops a schedule's firings until ResumeSchedule; note
// says why.
func (c *Client) PauseSchedule(ctx context.Context, id, note string) error {
	return c.e.PauseSchedule(ctx, id, note)
}

// ResumeSchedule resumes a paused schedule at its next time after now;
// the times that passed while it was paused do not fire.
func (c *Client) ResumeSchedule(ctx context.Context, id string) error {
	return c.e.ResumeSchedule(ctx, id)
}

// TriggerSchedule starts a run of the schedule now, whatever its overlap
// policy and even while paused, and returns the run's workflow id (its
// nominal time is now, to the second).
func (c *Client) TriggerSchedule(ctx context.Context, id string) (string, error) {
	return c.e.TriggerSchedule(ctx, id)
}

// BackfillSchedule starts a run for every time in [from, to] the schedule
// fires at (at most 1000), whatever its overlap policy, and returns their
// workflow ids; a time that has a run already keeps it.
func (c *Client) BackfillSchedule(ctx context.Context, id string, from, to time.Time) ([]string, error) {
	return c.e.BackfillSchedule(ctx, id, from, to)
}

// DeleteSchedule removes a schedule; the runs it started go on.
func (c *Client) DeleteSchedule(ctx context.Context, id string) error {
	return c.e.DeleteSchedule(ctx, id)
}

// ScheduleUpdate changes a schedule: each field that is set (not nil)
// replaces the schedule's, the others stay. Setting Cron drops the
// interval, and Every the cron expression and its time zone, unless both
// are set. Paused pauses (true) or resumes (false), Note saying why.
type ScheduleUpdate struct {
	Workflow      *string
	Input         any // encoded as JSON; nil leaves the input (json.RawMessage("null") sets null)
	Tags          *[]string
	Timeout       *time.Duration
	Cron          *string
	TimeZone      *string
	Every         *time.Duration
	Overlap       *OverlapPolicy
	CatchUp       *CatchUpPolicy
	CatchUpWindow *time.Duration
	Jitter        *time.Duration
	Paused        *bool
	Note          *string
	// AllowUnregistered accepts a Workflow no worker has registered on
	// this store yet.
	AllowUnregistered bool
}

// UpdateSchedule changes a schedule's spec atomically (one
// compare-and-set): an update refused (ErrBadSchedule, ErrUnknownWorkflow)
// changes nothing. A new cron expression, interval or time zone, or a
// resume, makes its next firing the first of its times after now; the
// firings decided already keep their workflow ids. It returns the schedule
// as updated.
func (c *Client) UpdateSchedule(ctx context.Context, id string, u ScheduleUpdate) (*ScheduleInfo, error) {
	eu := engine.ScheduleUpdate{Workflow: u.Workflow, Tags: u.Tags, Timeout: u.Timeout, Cron: u.Cron, TimeZone: u.TimeZone,
		Every: u.Every, Overlap: u.Overlap, CatchUp: u.CatchUp, CatchUpWindow: u.CatchUpWindow, Jitter: u.Jitter,
		Paused: u.Paused, Note: u.Note, AllowUnregistered: u.AllowUnregistered}
	if u.Input != nil {
		in, err := json.Marshal(u.Input)
		if err != nil {
			return nil, fmt.Errorf("client: encode input of schedule %s: %w", id, err)
		}
		eu.Input = in
	}
	return c.e.UpdateSchedule(ctx, id, eu)
}

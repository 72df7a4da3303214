package enginetest

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/transport"
	"github.com/infgen/infgen/runtime/transport/memory"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// Schedules checks durable schedules on st (and tr; nil: a fresh memory
// transport) under workers whose clock the test moves: firings start their
// run once, by its deterministic id; the overlap policies; catch-up after
// the workers were down, per policy; two workers racing on the same
// firings; pause, resume, trigger, backfill and delete; update of the
// spec (refused: nothing changes; accepted: new times, input, kept ids); a
// bad cron expression stores nothing. st may be shared with other tests: each check
// sees it through a prefix of its own, as the workers of other tests fire
// every schedule they find, on other clocks.
func Schedules(t *testing.T, st storage.Storage, tr transport.Transport) {
	t.Helper()
	if tr == nil {
		mt := memory.New()
		t.Cleanup(func() { _ = mt.Close() })
		tr = mt
	}
	t.Run("Fires", func(t *testing.T) { newSchedEnv(t, st, tr).fires() })
	t.Run("Overlap", func(t *testing.T) { newSchedEnv(t, st, tr).overlap() })
	t.Run("CatchUpAfterDowntime", func(t *testing.T) { newSchedEnv(t, st, tr).catchUp() })
	t.Run("TwoWorkers", func(t *testing.T) { newSchedEnv(t, st, tr).twoWorkers() })
	t.Run("Commands", func(t *testing.T) { newSchedEnv(t, st, tr).commands() })
	t.Run("TriggerOnAFiring", func(t *testing.T) { newSchedEnv(t, st, tr).triggerOnAFiring() })
	t.Run("Update", func(t *testing.T) { newSchedEnv(t, st, tr).update() })
}

// schedClock is the workers' clock, moved by the test.
type schedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *schedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *schedClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

type schedEnv struct {
	t     *testing.T
	ctx   context.Context
	st    storage.Storage
	tr    transport.Transport
	clock *schedClock
	c     *client.Client
	// prefix makes the schedule ids of this run unique; done completes at
	// once, wait waits for a signal on "finish".
	prefix, done, wait string
}

// day is the test's date: schedules fire on it, every hour.
var day = time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)

func at(hour, minute int) time.Time {
	return day.Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute)
}

func newSchedEnv(t *testing.T, st storage.Storage, tr transport.Transport) *schedEnv {
	id := randomID()
	st = &prefixed{Storage: st, p: "test-" + id + "/"}
	e := &schedEnv{t: t, ctx: context.Background(), st: st, tr: tr, clock: &schedClock{t: at(9, 30)},
		prefix: "s" + id, done: id + "-sched.done", wait: id + "-sched.wait"}
	c, err := client.New(e.ctx, client.Options{Transport: tr, Storage: st, Logger: slog.New(slog.DiscardHandler),
		PollInterval: 20 * time.Millisecond, Now: e.clock.Now})
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	e.c = c
	return e
}

// worker starts a worker on the test's clock that fires schedules.
func (e *schedEnv) worker() *worker.Worker { return e.workerPolling(10 * time.Millisecond) }

// workerPolling starts a worker on the test's clock that passes over the
// schedules every poll (negative: never).
func (e *schedEnv) workerPolling(poll time.Duration) *worker.Worker {
	w, err := worker.New(worker.Options{Transport: e.tr, Storage: e.st, Logger: slog.New(slog.DiscardHandler),
		Now: e.clock.Now, SchedulePoll: poll})
	require.NoError(e.t, err)
	require.NoError(e.t, worker.RegisterWorkflow(w, e.done, func(ctx workflow.Context, in int) (int, error) { return in, nil }))
	require.NoError(e.t, worker.RegisterWorkflow(w, e.wait, func(ctx workflow.Context, in int) (int, error) {
		return workflow.SignalChannel[int]("finish").Receive(ctx)
	}))
	require.NoError(e.t, w.Start(e.ctx))
	e.t.Cleanup(func() { _ = w.Stop() })
	return w
}

// create creates a schedule of this run, hourly unless p says otherwise.
func (e *schedEnv) create(p client.ScheduleParams) string {
	p.ID = e.prefix + "-" + p.ID
	if p.Cron == "" && p.Every == 0 {
		p.Every = time.Hour
	}
	if p.Workflow == "" {
		p.Workflow = e.done
	}
	if p.Input == nil {
		p.Input = 7
	}
	_, err := e.c.CreateSchedule(e.ctx, p)
	require.NoError(e.t, err)
	e.t.Cleanup(func() { _ = e.c.DeleteSchedule(context.Background(), p.ID) })
	return p.ID
}

// describe returns a schedule's description.
func (e *schedEnv) describe(id string) *client.ScheduleInfo {
	d, err := e.c.DescribeSchedule(e.ctx, id)
	require.NoError(e.t, err)
	return d
}

// passed waits until a worker has passed over schedule id with the clock
// at its current time: until its next firing is after now (and nothing is
// pending).
func (e *schedEnv) passed(id string) *client.ScheduleInfo {
	var d *client.ScheduleInfo
	require.Eventually(e.t, func() bool {
		d = e.describe(id)
		return len(d.Pending) == 0 && (len(d.Next) == 0 || d.Next[0].After(e.clock.Now()))
	}, 20*time.Second, 5*time.Millisecond, "schedule %s: no worker passed over it at %s", id, e.clock.Now())
	return d
}

// runs returns the ids of the workflows schedule id started, sorted.
func (e *schedEnv) runs(id string) []string {
	ids, err := e.c.ListByTag(e.ctx, "schedule:"+id)
	require.NoError(e.t, err)
	slices.Sort(ids)
	return ids
}

func runID(schedule string, t time.Time) string { return schedule + "@" + t.Format(time.RFC3339) }

// finish lets a run of the wait workflow end.
func (e *schedEnv) finish(id string) {
	_, err := e.c.Signal(e.ctx, client.Target{ID: id}, "finish", 1)
	require.NoError(e.t, err)
	e.await(id)
}

// await waits until run id has ended.
func (e *schedEnv) await(id string) {
	ctx, cancel := context.WithTimeout(e.ctx, 20*time.Second)
	defer cancel()
	_, err := e.c.Await(ctx, id)
	require.NoError(e.t, err)
}

func (e *schedEnv) fires() {
	t := e.t
	e.worker()
	id := e.create(client.ScheduleParams{ID: "hourly"})
	require.Equal(t, at(10, 0), e.describe(id).Next[0])

	e.clock.set(at(10, 0))
	d := e.passed(id)
	require.Equal(t, []string{runID(id, at(10, 0))}, e.runs(id))
	require.Equal(t, 1, d.Started)
	require.Equal(t, at(11, 0), d.Next[0])
	ctx, cancel := context.WithTimeout(e.ctx, 20*time.Second)
	defer cancel()
	out, err := e.c.Await(ctx, runID(id, at(10, 0)))
	require.NoError(t, err)
	require.JSONEq(t, "7", string(out.Output))

	e.clock.set(at(11, 0).Add(30 * time.Second)) // late, within the catch-up window
	e.passed(id)
	require.Equal(t, []string{runID(id, at(10, 0)), runID(id, at(11, 0))}, e.runs(id))
}

func (e *schedEnv) overlap() {
	t := e.t
	e.worker()
	skip := e.create(client.ScheduleParams{ID: "skip", Workflow: e.wait, Overlap: client.OverlapSkip})
	buffer := e.create(client.ScheduleParams{ID: "buffer", Workflow: e.wait, Overlap: client.OverlapBufferOne})
	all := e.create(client.ScheduleParams{ID: "all", Workflow: e.wait, Overlap: client.OverlapAllowAll})
	for _, h := range []int{10, 11, 12} {
		e.clock.set(at(h, 0))
		for _, id := range []string{skip, buffer, all} {
			e.passed(id)
		}
	}
	// skip: 10:00 still runs, so 11:00 and 12:00 were dropped.
	require.Equal(t, []string{runID(skip, at(10, 0))}, e.runs(skip))
	require.Equal(t, 2, e.describe(skip).Skipped)
	// allow-all: every firing runs.
	require.Equal(t, []string{runID(all, at(10, 0)), runID(all, at(11, 0)), runID(all, at(12, 0))}, e.runs(all))
	// buffer-one: 11:00 waits for 10:00, 12:00 was dropped.
	require.Equal(t, []string{runID(buffer, at(10, 0))}, e.runs(buffer))
	d := e.describe(buffer)
	require.NotNil(t, d.Buffered)
	require.Equal(t, runID(buffer, at(11, 0)), d.Buffered.ID)
	require.Equal(t, 1, d.Skipped)
	require.Equal(t, client.Running, e.describe(buffer).LastRunStatus)

	e.finish(runID(buffer, at(10, 0)))
	require.Eventually(t, func() bool { return len(e.runs(buffer)) == 2 }, 20*time.Second, 5*time.Millisecond,
		"the buffered firing did not start when the run before it ended")
	require.Equal(t, []string{runID(buffer, at(10, 0)), runID(buffer, at(11, 0))}, e.runs(buffer))
	require.Nil(t, e.describe(buffer).Buffered)

	e.finish(runID(skip, at(10, 0)))
	e.clock.set(at(13, 0))
	e.passed(skip)
	require.Equal(t, []string{runID(skip, at(10, 0)), runID(skip, at(13, 0))}, e.runs(skip))
}

func (e *schedEnv) catchUp() {
	t := e.t
	w := e.worker()
	none := e.create(client.ScheduleParams{ID: "none", CatchUp: client.CatchUpNone})
	last := e.create(client.ScheduleParams{ID: "last", CatchUp: client.CatchUpLast})
	all := e.create(client.ScheduleParams{ID: "all", CatchUp: client.CatchUpAll, Overlap: client.OverlapAllowAll})
	window := e.create(client.ScheduleParams{ID: "window", CatchUp: client.CatchUpNone, CatchUpWindow: 90 * time.Minute,
		Overlap: client.OverlapAllowAll})
	require.NoError(t, w.Stop())

	// The workers are down from 9:30 to 14:30: 10:00 to 14:00 are missed.
	e.clock.set(at(14, 30))
	e.worker()
	for _, id := range []string{none, last, all, window} {
		d := e.passed(id)
		require.Equal(t, at(15, 0), d.Next[0], id)
	}
	require.Empty(t, e.runs(none))
	require.Equal(t, 5, e.describe(none).Missed)
	require.Equal(t, []string{runID(last, at(14, 0))}, e.runs(last))
	require.Equal(t, 4, e.describe(last).Missed)
	var want []string
	for h := 10; h <= 14; h++ {
		want = append(want, runID(all, at(h, 0)))
	}
	require.Equal(t, want, e.runs(all))
	require.Equal(t, 5, e.describe(all).Started)
	// A window of 90 minutes: 13:00 and 14:00 were only late.
	require.Equal(t, []string{runID(window, at(13, 0)), runID(window, at(14, 0))}, e.runs(window))
}

func (e *schedEnv) twoWorkers() {
	t := e.t
	e.worker()
	e.worker()
	id := e.create(client.ScheduleParams{ID: "race", Every: time.Second, Overlap: client.OverlapAllowAll,
		CatchUp: client.CatchUpAll, CatchUpWindow: time.Hour})
	start := e.clock.Now().Truncate(time.Second)
	var want []string
	for i := 1; i <= 30; i++ {
		want = append(want, runID(id, start.Add(time.Duration(i)*time.Second)))
	}
	// One second at a time, then the rest at once: both workers race to
	// decide and start the same firings.
	for i := 1; i <= 10; i++ {
		e.clock.set(start.Add(time.Duration(i) * time.Second))
		e.passed(id)
	}
	e.clock.set(start.Add(30 * time.Second))
	d := e.passed(id)
	require.Equal(t, want, e.runs(id))
	require.Equal(t, 30, d.Started, "a firing was counted (started) twice")
	for _, r := range want {
		desc, err := e.c.Describe(e.ctx, r)
		require.NoError(t, err)
		require.Equal(t, 1, desc.Run, "%s ran twice", r)
	}
}

// triggerOnAFiring triggers a run in the very second a firing is due,
// before any worker passes (the worker running it fires no schedules):
// the firing's run is the triggered one (the same workflow id), and the
// schedule counts one run started, not two.
func (e *schedEnv) triggerOnAFiring() {
	t := e.t
	e.workerPolling(-1)
	id := e.create(client.ScheduleParams{ID: "collide", Overlap: client.OverlapAllowAll})
	e.clock.set(at(10, 0))
	run, err := e.c.TriggerSchedule(e.ctx, id)
	require.NoError(t, err)
	require.Equal(t, runID(id, at(10, 0)), run)
	e.worker()
	d := e.passed(id)
	require.Equal(t, []string{run}, e.runs(id))
	require.Equal(t, 1, d.Started, "runs started")
	require.Len(t, d.Recent, 1, "recent firings")
	require.Zero(t, d.Skipped)
}

func (e *schedEnv) commands() {
	t := e.t
	e.worker()
	id := e.create(client.ScheduleParams{ID: "cmd"})
	// probe sorts after id: once a pass fired it, the pass went over id.
	// It allows overlaps: a run of it not finished yet when the clock moves
	// on must not make its next firing a skip.
	probe := e.create(client.ScheduleParams{ID: "probe", Overlap: client.OverlapAllowAll})
	require.Less(t, id, probe)

	require.NoError(t, e.c.PauseSchedule(e.ctx, id, "maintenance"))
	d := e.describe(id)
	require.True(t, d.Paused)
	require.Equal(t, "maintenance", d.Note)
	require.Empty(t, d.Next)
	e.clock.set(at(10, 0))
	e.passed(probe)
	require.Empty(t, e.runs(id), "a paused schedule fired")

	// Trigger starts a run at once, even while paused.
	e.clock.set(at(10, 20).Add(15 * time.Second))
	run, err := e.c.TriggerSchedule(e.ctx, id)
	require.NoError(t, err)
	require.Equal(t, runID(id, at(10, 20).Add(15*time.Second)), run)
	require.Equal(t, []string{run}, e.runs(id))
	require.Equal(t, run, e.describe(id).LastRun)
	again, err := e.c.TriggerSchedule(e.ctx, id) // the same second: the same run
	require.NoError(t, err)
	require.Equal(t, run, again)
	require.Equal(t, 1, e.describe(id).Started)
	// The triggered run is the schedule's last run: until it ends, the
	// skip overlap policy drops the firings (a worker under load may not
	// have run it yet when the clock reaches 11:00).
	e.await(run)

	// Resume fires at the next time after now: 10:00 is not caught up.
	e.clock.set(at(10, 30))
	require.NoError(t, e.c.ResumeSchedule(e.ctx, id))
	d = e.describe(id)
	require.False(t, d.Paused)
	require.Equal(t, at(11, 0), d.Next[0])
	e.clock.set(at(11, 0))
	e.passed(id)
	require.Equal(t, []string{run, runID(id, at(11, 0))}, e.runs(id))

	// Backfill runs the times of a range; a time run already keeps its run.
	ids, err := e.c.BackfillSchedule(e.ctx, id, at(8, 0), at(11, 0))
	require.NoError(t, err)
	require.Equal(t, []string{runID(id, at(8, 0)), runID(id, at(9, 0)), runID(id, at(10, 0)), runID(id, at(11, 0))}, ids)
	require.Equal(t, []string{runID(id, at(8, 0)), runID(id, at(9, 0)), runID(id, at(10, 0)), run, runID(id, at(11, 0))}, e.runs(id))
	_, err = e.c.BackfillSchedule(e.ctx, id, at(11, 0), at(8, 0))
	require.ErrorIs(t, err, client.ErrBadSchedule)

	list, err := e.c.ListSchedules(e.ctx)
	require.NoError(t, err)
	require.True(t, slices.ContainsFunc(list, func(s client.ScheduleInfo) bool { return s.Spec.ID == id }))

	// Delete: it fires no more; its runs stay.
	require.NoError(t, e.c.DeleteSchedule(e.ctx, id))
	_, err = e.c.DescribeSchedule(e.ctx, id)
	require.ErrorIs(t, err, client.ErrScheduleNotFound)
	require.ErrorIs(t, e.c.DeleteSchedule(e.ctx, id), client.ErrScheduleNotFound)
	_, err = e.c.TriggerSchedule(e.ctx, id)
	require.ErrorIs(t, err, client.ErrScheduleNotFound)
	e.clock.set(at(12, 0))
	e.passed(probe)
	require.Len(t, e.runs(id), 5)
	list, err = e.c.ListSchedules(e.ctx)
	require.NoError(t, err)
	require.False(t, slices.ContainsFunc(list, func(s client.ScheduleInfo) bool { return s.Spec.ID == id }))

	// Refused: nothing is stored.
	_, err = e.c.CreateSchedule(e.ctx, client.ScheduleParams{ID: e.prefix + "-bad", Workflow: e.done, Cron: "61 * * * *"})
	require.ErrorIs(t, err, client.ErrBadSchedule)
	require.ErrorContains(t, err, `bad cron "61 * * * *": `)
	_, err = e.c.DescribeSchedule(e.ctx, e.prefix+"-bad")
	require.ErrorIs(t, err, client.ErrScheduleNotFound)
	_, err = e.c.CreateSchedule(e.ctx, client.ScheduleParams{ID: probe, Workflow: e.done, Every: time.Hour})
	require.ErrorIs(t, err, client.ErrScheduleExists)
	_, err = e.c.CreateSchedule(e.ctx, client.ScheduleParams{ID: e.prefix + "-unknown", Workflow: e.done + "x", Every: time.Hour})
	require.ErrorIs(t, err, client.ErrUnknownWorkflow)
	require.Equal(t, fmt.Sprint(e.runs(probe)), fmt.Sprint([]string{runID(probe, at(10, 0)), runID(probe, at(11, 0)), runID(probe, at(12, 0))}))
}

// update changes a schedule's spec: a refused update changes nothing; new
// times recompute the next firing, the runs started keep their ids, and
// the next runs take the new input; a resume by update fires at the first
// new time after now.
func (e *schedEnv) update() {
	t := e.t
	e.worker()
	id := e.create(client.ScheduleParams{ID: "upd"})
	e.clock.set(at(10, 0))
	e.passed(id)
	first := runID(id, at(10, 0))
	require.Equal(t, []string{first}, e.runs(id))
	e.await(first)

	// Refused: nothing changes.
	before := e.describe(id)
	bad, unknown := "61 * * * *", e.done+"x"
	_, err := e.c.UpdateSchedule(e.ctx, id, client.ScheduleUpdate{Cron: &bad, Input: 9})
	require.ErrorIs(t, err, client.ErrBadSchedule)
	_, err = e.c.UpdateSchedule(e.ctx, id, client.ScheduleUpdate{Workflow: &unknown})
	require.ErrorIs(t, err, client.ErrUnknownWorkflow)
	_, err = e.c.UpdateSchedule(e.ctx, id+"-none", client.ScheduleUpdate{Cron: &bad})
	require.ErrorIs(t, err, client.ErrScheduleNotFound)
	require.Equal(t, before, e.describe(id))

	// New times, new input: the next firing is recomputed from now, the
	// run started keeps its id, the next one takes the input.
	e.clock.set(at(10, 5))
	cron, overlap := "15 * * * *", client.OverlapAllowAll
	d, err := e.c.UpdateSchedule(e.ctx, id, client.ScheduleUpdate{Cron: &cron, Overlap: &overlap, Input: 9})
	require.NoError(t, err)
	require.Equal(t, cron, d.Spec.Cron)
	require.Zero(t, d.Spec.Every, "a cron expression replaces the interval")
	require.Equal(t, client.OverlapAllowAll, d.Spec.Overlap)
	require.Equal(t, before.Spec.CatchUp, d.Spec.CatchUp, "a field the update did not set changed")
	require.Equal(t, at(10, 15), d.Next[0])
	require.Equal(t, before.Started, d.Started)
	require.Equal(t, d, e.describe(id))
	// Setting what is set already changes nothing, not even the time.
	again, err := e.c.UpdateSchedule(e.ctx, id, client.ScheduleUpdate{Cron: &cron})
	require.NoError(t, err)
	require.Equal(t, d.Updated, again.Updated)

	e.clock.set(at(10, 15))
	e.passed(id)
	second := runID(id, at(10, 15))
	require.Equal(t, []string{first, second}, e.runs(id))
	out, err := client.Result[int](e.ctx, e.c, second)
	require.NoError(t, err)
	require.Equal(t, 9, out)
	out, err = client.Result[int](e.ctx, e.c, first)
	require.NoError(t, err)
	require.Equal(t, 7, out, "the run started before the update changed")

	// Pause and resume by update: resumed, it fires at its first time
	// after now (11:15 passed while it was paused).
	pause, resume, note := true, false, "supplier down"
	d, err = e.c.UpdateSchedule(e.ctx, id, client.ScheduleUpdate{Paused: &pause, Note: &note})
	require.NoError(t, err)
	require.True(t, d.Paused)
	require.Equal(t, note, d.Note)
	require.Empty(t, d.Next)
	e.clock.set(at(11, 20))
	d, err = e.c.UpdateSchedule(e.ctx, id, client.ScheduleUpdate{Paused: &resume})
	require.NoError(t, err)
	require.False(t, d.Paused)
	require.Empty(t, d.Note)
	require.Equal(t, at(12, 15), d.Next[0])
	require.Equal(t, []string{first, second}, e.runs(id))
}

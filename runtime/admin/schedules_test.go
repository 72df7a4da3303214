package admin_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/admin"
	"github.com/infgen/infgen/runtime/client"
)

// TestSchedulesOverTheAPI: every schedule operation through the remote
// client, with its errors keeping their meaning.
func TestSchedulesOverTheAPI(t *testing.T) {
	t.Parallel()
	srv, err := admin.Serve(newClient(t), admin.Options{})
	require.NoError(t, err)
	defer srv.Close()
	ctx := context.Background()
	c := admin.Dial(srv.Addr(), "")

	info, err := c.CreateSchedule(ctx, client.ScheduleParams{ID: "report", Workflow: "report.daily", Input: map[string]int{"n": 1},
		Cron: "CRON_TZ=Europe/Paris 30 0 9 * * MON-FRI", Overlap: client.OverlapBufferOne, CatchUp: client.CatchUpAll,
		CatchUpWindow: 2 * time.Hour, Jitter: 30 * time.Second, Timeout: time.Hour, Tags: []string{"reports"}, AllowUnregistered: true})
	require.NoError(t, err)
	require.Equal(t, "report", info.Spec.ID)
	require.Equal(t, client.OverlapBufferOne, info.Spec.Overlap)
	require.Equal(t, 2*time.Hour, info.Spec.CatchUpWindow)
	require.Equal(t, 30*time.Second, info.Spec.Jitter)
	require.JSONEq(t, `{"n":1}`, string(info.Spec.Input))
	require.Len(t, info.Next, 5)
	for _, n := range info.Next {
		paris := n.In(mustZone(t, "Europe/Paris"))
		require.Equal(t, [3]int{9, 0, 30}, [3]int{paris.Hour(), paris.Minute(), paris.Second()}, "%s", n)
		require.NotEqual(t, time.Saturday, paris.Weekday())
	}

	_, err = c.CreateSchedule(ctx, client.ScheduleParams{ID: "report", Workflow: "report.daily", Every: time.Hour, AllowUnregistered: true})
	require.ErrorIs(t, err, client.ErrScheduleExists)
	_, err = c.CreateSchedule(ctx, client.ScheduleParams{ID: "bad", Workflow: "report.daily", Cron: "0 25 * * *", AllowUnregistered: true})
	require.ErrorIs(t, err, client.ErrBadSchedule)
	require.ErrorContains(t, err, `bad cron "0 25 * * *": `)
	_, err = c.CreateSchedule(ctx, client.ScheduleParams{ID: "nobody", Workflow: "nothing.registered", Every: time.Hour})
	require.ErrorIs(t, err, client.ErrUnknownWorkflow)
	_, err = c.DescribeSchedule(ctx, "nope")
	require.ErrorIs(t, err, client.ErrScheduleNotFound)
	require.ErrorIs(t, c.PauseSchedule(ctx, "nope", ""), client.ErrScheduleNotFound)

	require.NoError(t, c.PauseSchedule(ctx, "report", "holidays"))
	d, err := c.DescribeSchedule(ctx, "report")
	require.NoError(t, err)
	require.True(t, d.Paused)
	require.Equal(t, "holidays", d.Note)
	require.NoError(t, c.ResumeSchedule(ctx, "report"))

	id, err := c.TriggerSchedule(ctx, "report")
	require.NoError(t, err)
	require.Regexp(t, `^report@\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`, id)
	wd, err := c.Describe(ctx, id)
	require.NoError(t, err)
	require.Equal(t, []string{"reports", "schedule:report"}, wd.Tags)

	from := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC) // a Monday
	ids, err := c.BackfillSchedule(ctx, "report", from, from.Add(7*24*time.Hour))
	require.NoError(t, err)
	require.Equal(t, []string{"report@2026-11-30T08:00:30Z", "report@2026-12-01T08:00:30Z", "report@2026-12-02T08:00:30Z",
		"report@2026-12-03T08:00:30Z", "report@2026-12-04T08:00:30Z"}, ids)

	list, err := c.ListSchedules(ctx)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, 6, list[0].Started)
	raw, err := json.Marshal(list[0])
	require.NoError(t, err)
	require.Contains(t, string(raw), `"reason":"backfill"`)

	require.NoError(t, c.DeleteSchedule(ctx, "report"))
	require.ErrorIs(t, c.DeleteSchedule(ctx, "report"), client.ErrScheduleNotFound)
	list, err = c.ListSchedules(ctx)
	require.NoError(t, err)
	require.Empty(t, list)
}

// TestSchedulesReadOnly: a read-only API lists schedules and refuses to
// change them.
func TestSchedulesReadOnly(t *testing.T) {
	t.Parallel()
	srv, err := admin.Serve(newClient(t), admin.Options{ReadOnly: true})
	require.NoError(t, err)
	defer srv.Close()
	c := admin.Dial(srv.Addr(), "")
	_, err = c.ListSchedules(context.Background())
	require.NoError(t, err)
	_, err = c.CreateSchedule(context.Background(), client.ScheduleParams{ID: "x", Workflow: "w", Every: time.Hour, AllowUnregistered: true})
	require.ErrorContains(t, err, "read-only")
}

func mustZone(t *testing.T, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

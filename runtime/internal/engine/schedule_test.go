package engine

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestCronTimes(t *testing.T) {
	t.Parallel()
	from := utc("2026-12-07T10:00:00Z") // a Monday
	for _, tc := range []struct {
		expr, zone string
		want       []string
	}{
		{"0 2 * * *", "", []string{"2026-12-08T02:00:00Z", "2026-12-09T02:00:00Z"}},
		{"*/20 * * * * *", "", []string{"2026-12-07T10:00:20Z", "2026-12-07T10:00:40Z"}}, // seconds first
		{"CRON_TZ=Europe/Paris 0 9 * * MON-FRI", "", []string{"2026-12-08T08:00:00Z", "2026-12-09T08:00:00Z"}},
		{"0 9 * * *", "America/New_York", []string{"2026-12-07T14:00:00Z", "2026-12-08T14:00:00Z"}},
		{"TZ=Asia/Tokyo 0 9 * * *", "America/New_York", []string{"2026-12-08T00:00:00Z", "2026-12-09T00:00:00Z"}}, // its own zone wins
		{"@daily", "", []string{"2026-12-08T00:00:00Z", "2026-12-09T00:00:00Z"}},
	} {
		got, err := ParseCron(tc.expr, tc.zone, from, 2)
		require.NoError(t, err, tc.expr)
		var s []string
		for _, g := range got {
			s = append(s, g.Format(time.RFC3339))
		}
		require.Equal(t, tc.want, s, tc.expr)
	}
	for _, bad := range []string{"0 2 * *", "61 * * * *", "0 2 * * FOO", "CRON_TZ=Mars/Base 0 2 * * *", "* * * * * * *"} {
		_, err := ParseCron(bad, "", from, 1)
		require.ErrorIs(t, err, ErrBadSchedule, bad)
		require.ErrorContains(t, err, `bad cron "`+bad+`": `)
	}
}

func TestEveryIsAlignedToTheEpoch(t *testing.T) {
	t.Parallel()
	e := everyTiming{15 * time.Minute}
	require.Equal(t, utc("2026-12-07T10:15:00Z"), e.next(utc("2026-12-07T10:07:13Z")))
	require.Equal(t, utc("2026-12-07T10:30:00Z"), e.next(utc("2026-12-07T10:15:00Z")))
}

func TestSpecIsChecked(t *testing.T) {
	t.Parallel()
	ok := ScheduleSpec{ID: "s", Workflow: "w", Every: time.Hour}
	s := ok
	_, err := s.normalize()
	require.NoError(t, err)
	require.Equal(t, OverlapSkip, s.Overlap)
	require.Equal(t, CatchUpLast, s.CatchUp)
	require.Equal(t, DefaultCatchUpWindow, s.CatchUpWindow)
	for name, change := range map[string]func(*ScheduleSpec){
		"no id":          func(s *ScheduleSpec) { s.ID = "" },
		"@ in id":        func(s *ScheduleSpec) { s.ID = "a@b" },
		"no workflow":    func(s *ScheduleSpec) { s.Workflow = "" },
		"both":           func(s *ScheduleSpec) { s.Cron = "@daily" },
		"neither":        func(s *ScheduleSpec) { s.Every = 0 },
		"sub-second":     func(s *ScheduleSpec) { s.Every = time.Millisecond },
		"overlap":        func(s *ScheduleSpec) { s.Overlap = "queue" },
		"catch-up":       func(s *ScheduleSpec) { s.CatchUp = "some" },
		"negative":       func(s *ScheduleSpec) { s.Jitter = -time.Second },
		"zone":           func(s *ScheduleSpec) { s.Every, s.Cron, s.TimeZone = 0, "@daily", "Nowhere/Land" },
		"zone, interval": func(s *ScheduleSpec) { s.TimeZone = "UTC" },
	} {
		s := ok
		change(&s)
		_, err := s.normalize()
		require.ErrorIs(t, err, ErrBadSchedule, name)
	}
}

func TestJitterIsFixedAndBounded(t *testing.T) {
	t.Parallel()
	at := utc("2026-12-07T10:00:00Z")
	seen := map[time.Duration]bool{}
	for i := range 50 {
		n := at.Add(time.Duration(i) * time.Hour)
		j := jitter("s", n, time.Minute)
		require.Equal(t, j, jitter("s", n, time.Minute), "the same on every call (every worker)")
		require.GreaterOrEqual(t, j, time.Duration(0))
		require.Less(t, j, time.Minute)
		seen[j] = true
	}
	require.Greater(t, len(seen), 40, "the delays do not spread")
	require.Zero(t, jitter("s", at, 0))
}

// TestDue walks the firing times the way a pass does.
func TestDue(t *testing.T) {
	t.Parallel()
	hourly := everyTiming{time.Hour}
	rec := func(p CatchUpPolicy, next string) *scheduleRecord {
		s := &scheduleRecord{Spec: ScheduleSpec{ID: "s", Workflow: "w", Every: time.Hour, CatchUp: p}, Next: utc(next)}
		_, err := s.Spec.normalize()
		require.NoError(t, err)
		return s
	}
	ids := func(fs []Firing) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.Nominal.Format("15:04")+" "+f.Reason)
		}
		return out
	}
	now := utc("2026-12-07T13:00:20Z") // 10:00 to 12:00 were missed, 13:00 is on time

	fire, missed, next := rec(CatchUpNone, "2026-12-07T10:00:00Z").due(hourly, now)
	require.Equal(t, []string{"13:00 schedule"}, ids(fire))
	require.Equal(t, 3, missed)
	require.Equal(t, utc("2026-12-07T14:00:00Z"), next)

	fire, missed, _ = rec(CatchUpLast, "2026-12-07T10:00:00Z").due(hourly, now)
	require.Equal(t, []string{"12:00 catch-up", "13:00 schedule"}, ids(fire))
	require.Equal(t, 2, missed)

	fire, missed, _ = rec(CatchUpAll, "2026-12-07T10:00:00Z").due(hourly, now)
	require.Equal(t, []string{"10:00 catch-up", "11:00 catch-up", "12:00 catch-up", "13:00 schedule"}, ids(fire))
	require.Zero(t, missed)

	// Nothing due yet.
	fire, missed, next = rec(CatchUpAll, "2026-12-07T14:00:00Z").due(hourly, now)
	require.Empty(t, fire)
	require.Zero(t, missed)
	require.Equal(t, utc("2026-12-07T14:00:00Z"), next)

	// A long gap is decided over several passes, maxDecided firings each.
	s := rec(CatchUpAll, "2026-01-01T00:00:00Z")
	fire, _, next = s.due(hourly, now)
	require.Len(t, fire, maxDecided)
	require.Equal(t, utc("2026-01-01T00:00:00Z").Add(maxDecided*time.Hour), next)

	// Under last, a pass cut short leaves the newest missed firing to the
	// next pass instead of firing an older one.
	s = rec(CatchUpLast, "2026-12-07T12:00:00Z")
	s.Spec.Every = time.Second
	fire, missed, next = s.due(everyTiming{time.Second}, utc("2026-12-09T12:00:00Z"))
	require.Empty(t, fire)
	require.Equal(t, maxDueSteps-1, missed)
	require.Equal(t, utc("2026-12-07T12:00:00Z").Add((maxDueSteps-1)*time.Second), next)
}

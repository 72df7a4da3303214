package dashboard_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/admin"
	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/worker"
)

// TestBrowserSchedules opens the schedules page in headless Chromium: the
// list shows a schedule; its page triggers a run, pauses, resumes and
// deletes it.
func TestBrowserSchedules(t *testing.T) {
	exe := chromium(t)
	ctx := t.Context()
	rt, err := local.Open(filepath.Join(t.TempDir(), "state.db"))
	require.NoError(t, err)
	defer rt.Close()
	addr, err := rt.ServeAdmin(ctx, admin.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	w, err := rt.NewWorker(worker.Options{Logger: slog.New(slog.DiscardHandler), Admin: addr})
	require.NoError(t, err)
	require.NoError(t, worker.RegisterWorkflow(w, "reports.daily", quick))
	require.NoError(t, w.Start(ctx))
	defer w.Stop()
	c, err := rt.NewClient(ctx)
	require.NoError(t, err)
	defer c.Close()
	_, err = c.CreateSchedule(ctx, client.ScheduleParams{ID: "nightly", Workflow: "reports.daily", Input: 21,
		Cron: "0 2 * * *", TimeZone: "Europe/Paris", Overlap: client.OverlapBufferOne})
	require.NoError(t, err)

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.WindowSize(1280, 860))...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	bctx, cancelTimeout := context.WithTimeout(bctx, 2*time.Minute) // generous: a slow machine, never a measure
	defer cancelTimeout()
	run := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		_, err := chromedp.Run(bctx, chromedp.Steps(steps...))
		require.NoError(t, err)
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.Text(sel))
		require.NoError(t, err)
		return s
	}
	base := "http://" + addr + "/ui/"

	run(chromedp.Navigate(base+"#/schedules"), chromedp.WaitVisible(`#schedules tbody tr[data-id="nightly"]`))
	require.Contains(t, text(`#schedules`), "nightly\treports.daily\t0 2 * * * (Europe/Paris)\tactive")

	// Trigger: the run shows in the schedule's runs, linked to its page.
	run(chromedp.Click(`#schedules a[href="#/schedule/nightly"]`), chromedp.WaitVisible(`#schedule-actions`),
		chromedp.Click(`#trigger`), chromedp.WaitVisible(`#schedule-runs`))
	require.Contains(t, text(`#schedule-runs`), "nightly@")
	require.Contains(t, text(`#schedule-runs`), "trigger")
	png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	save(t, "dashboard-schedule.png", png)

	run(chromedp.Click(`#pause`), chromedp.WaitVisible(`#sched-state .status-paused`))
	d, err := c.DescribeSchedule(ctx, "nightly")
	require.NoError(t, err)
	require.True(t, d.Paused)
	run(chromedp.Click(`#resume`), chromedp.WaitVisible(`#sched-state .status-active`))
	d, err = c.DescribeSchedule(ctx, "nightly")
	require.NoError(t, err)
	require.False(t, d.Paused)
	require.Equal(t, 1, d.Started)

	_, err = chromedp.Run(bctx, chromedp.Evaluate[bool](`window.confirm = () => true; true`))
	require.NoError(t, err)
	run(chromedp.Click(`#delete`), chromedp.WaitVisible(`#empty`))
	_, err = c.DescribeSchedule(ctx, "nightly")
	require.ErrorIs(t, err, client.ErrScheduleNotFound)
}

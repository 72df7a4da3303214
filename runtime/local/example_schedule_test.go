package local_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// Example_schedule creates a schedule that starts a report every weekday
// at 9:00 in Paris, then triggers a run at once. The clock is fixed so
// that the output is too.
func Example_schedule() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "infgen-example")
	defer os.RemoveAll(dir)
	rt, err := local.Open(filepath.Join(dir, "state.db"))
	if err != nil {
		panic(err)
	}
	defer rt.Close()
	now := func() time.Time { return time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC) } // a Friday
	w, _ := rt.NewWorker(worker.Options{Logger: slog.New(slog.DiscardHandler), Now: now})
	_ = worker.RegisterWorkflow(w, "report", func(ctx workflow.Context, format string) (string, error) {
		return "report as " + format, nil
	})
	_ = w.Start(ctx)
	defer w.Stop()
	c, _ := rt.NewClient(ctx, func(o *client.Options) { o.Now = now })
	defer c.Close()

	info, err := c.CreateSchedule(ctx, client.ScheduleParams{
		ID:       "weekday-report",
		Workflow: "report",
		Input:    "pdf",
		Cron:     "0 9 * * MON-FRI",
		TimeZone: "Europe/Paris",
		Overlap:  client.OverlapSkip, // while a report runs, the next firing is dropped
		CatchUp:  client.CatchUpLast, // after downtime, one report makes up for the missed ones
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("next:", info.Next[0], info.Next[1])

	id, _ := c.TriggerSchedule(ctx, "weekday-report") // a run now, whatever the cron says
	out, _ := client.Result[string](ctx, c, id)
	fmt.Println(id, "→", out)
	// Output:
	// next: 2026-12-07 08:00:00 +0000 UTC 2026-12-08 08:00:00 +0000 UTC
	// weekday-report@2026-12-04T10:00:00Z → report as pdf
}

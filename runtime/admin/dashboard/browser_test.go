package dashboard_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/admin"
	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/retry"
	"github.com/infgen/infgen/runtime/transport"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// screenshots, when set, is a directory the screenshots are also saved in:
// go test ./runtime/admin/dashboard -run Browser -screenshots ../../../docs/img
// refreshes the ones in docs/dashboard.md.
var screenshots = flag.String("screenshots", "", "also save the dashboard screenshots in this directory (../../../docs/img refreshes the docs)")

// EnvRequireBrowser, set, makes the browser test fail instead of skipping
// when no Chromium is installed (scripts/test.sh sets it).
const EnvRequireBrowser = "INFGEN_REQUIRE_BROWSER"

// chromium finds a Chromium or Chrome binary.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv(EnvRequireBrowser) != "" {
		t.Fatalf("no Chromium found on $PATH (chromium, chromium-browser, google-chrome) and $%s is set: install it (apt-get install -y chromium)", EnvRequireBrowser)
	}
	t.Skipf("no Chromium found on $PATH (apt-get install -y chromium); set $%s to make this a failure", EnvRequireBrowser)
	return ""
}

func waiter(ctx workflow.Context, _ struct{}) (string, error) {
	return workflow.SignalChannel[string]("go").Receive(ctx)
}

func quick(_ workflow.Context, n int) (int, error) { return n * 2, nil }

// order is the input of orders.place: the dashboard's start form has a
// field for each.
type order struct {
	Customer string `json:"customer"`
	Amount   int    `json:"amount"`
	Express  bool   `json:"express,omitempty"`
}

func place(_ workflow.Context, o order) (string, error) {
	return fmt.Sprintf("%s %d express=%t", o.Customer, o.Amount, o.Express), nil
}

// charge calls billing.charge, which always declines.
func charge(ctx workflow.Context, amount int) (string, error) {
	return workflow.Dispatch[string](ctx, workflow.Call{Service: "billing", Method: "charge", Input: amount}).Await(ctx)
}

// hold calls billing.hold, which answers when the test ends: the task runs
// inside the workflow's step all along.
func hold(ctx workflow.Context, _ struct{}) (int, error) {
	return workflow.Dispatch[int](ctx, workflow.Call{Service: "billing", Method: "hold"}).Await(ctx)
}

// TestBrowser starts a worker on the embedded default with workflows in
// every state and a dead letter, opens the dashboard in headless Chromium,
// and clicks through: the list shows them, a failed workflow's page shows
// its error and history, cancel on a running one cancels it, a task
// running inside its step shows as pending; the dead letters and workers
// pages list theirs. Screenshots are saved as test
// artifacts (go test -artifacts) and, with -screenshots DIR, in DIR.
func TestBrowser(t *testing.T) {
	exe := chromium(t)
	ctx := t.Context()
	held := make(chan struct{})
	rt, err := local.Open(filepath.Join(t.TempDir(), "state.db"))
	require.NoError(t, err)
	defer rt.Close()
	addr, err := rt.ServeAdmin(ctx, admin.Options{Logger: slog.New(slog.DiscardHandler), TraceURL: "http://jaeger.test:16686/trace/{trace_id}"})
	require.NoError(t, err)
	// A short heartbeat: the worker reports the task running in its step
	// at each.
	w, err := rt.NewWorker(worker.Options{Logger: slog.New(slog.DiscardHandler), Admin: addr, Heartbeat: 50 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, worker.RegisterWorkflow(w, "orders.hold", hold))
	require.NoError(t, worker.RegisterWorkflow(w, "orders.wait", waiter))
	require.NoError(t, worker.RegisterWorkflow(w, "orders.quick", quick))
	require.NoError(t, worker.RegisterWorkflow(w, "orders.charge", charge))
	require.NoError(t, worker.RegisterWorkflow(w, "orders.place", place))
	require.NoError(t, w.RegisterService(worker.Service{Name: "billing", Methods: []worker.Method{{
		Name:    "charge",
		Retry:   &retry.Policy{MaxAttempts: 1},
		Handler: func(context.Context, []byte) ([]byte, error) { return nil, errors.New("card declined") },
	}, {
		Name:    "hold",
		Handler: func(context.Context, []byte) ([]byte, error) { <-held; return []byte("1"), nil },
	}}}))
	require.NoError(t, w.Start(ctx))
	defer w.Stop()
	defer close(held) // before the worker stops
	c, err := rt.NewClient(ctx)
	require.NoError(t, err)
	defer c.Close()

	tags := []string{"demo"}
	for _, p := range []client.StartParams{
		{Workflow: "orders.wait", ID: "order-1001", Tags: tags},
		{Workflow: "orders.wait", ID: "order-1002", Tags: tags},
		{Workflow: "orders.quick", ID: "order-1003", Tags: tags, Input: 21},
		{Workflow: "orders.charge", ID: "order-1004", Tags: tags, Input: 990},
	} {
		_, err := c.Start(ctx, p)
		require.NoError(t, err)
	}
	waitCtx, cancelWait := context.WithTimeout(ctx, time.Minute)
	defer cancelWait()
	o, err := c.Await(waitCtx, "order-1003")
	require.NoError(t, err)
	require.Equal(t, client.Completed, o.Status)
	o, err = c.Await(waitCtx, "order-1004")
	require.NoError(t, err)
	require.Equal(t, client.Failed, o.Status)
	require.NoError(t, rt.Transport.Publish(ctx, &transport.PublishParams{
		Topic: "workflow.orders.wait", Message: transport.Message{Key: "order-1001", Payload: []byte("not a message")}}))
	for { // the worker sets the message aside as a dead letter
		dls, err := c.DeadLetters(waitCtx)
		require.NoError(t, err)
		if len(dls) == 1 {
			break
		}
		select {
		case <-waitCtx.Done():
			t.Fatal("no dead letter after a minute: the worker did not set the unreadable message aside")
		case <-time.After(20 * time.Millisecond):
		}
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.WindowSize(1280, 860))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	bctx, cancelTimeout := context.WithTimeout(bctx, 2*time.Minute) // generous: a slow machine, never a measure
	defer cancelTimeout()

	base := "http://" + addr + "/ui/"
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
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100)) // quality 100: PNG
		require.NoError(t, err)
		save(t, name, png)
	}

	// The list, by tag: every workflow with its status.
	run(chromedp.Navigate(base+"#/workflows?tag=demo"),
		chromedp.WaitVisible(`#workflows tbody tr[data-id="order-1004"]`))
	list := text(`#workflows`)
	for _, want := range []string{"order-1001\torders.wait\trunning", "order-1002\torders.wait\trunning",
		"order-1003\torders.quick\tcompleted", "order-1004\torders.charge\tfailed"} {
		require.Contains(t, list, want)
	}
	shot("dashboard-workflows.png")

	// Filter it by name, from the form (typed, Enter): only the orders.wait remain.
	run(chromedp.SendKeys(`#filters input[name="name"]`, "orders.wait"+kb.Enter),
		chromedp.WaitNotPresent(`#workflows tbody tr[data-id="order-1004"]`),
		chromedp.WaitVisible(`#workflows tbody tr[data-id="order-1002"]`))
	require.Contains(t, text(`h1`), "named orders.wait")
	list = text(`#workflows`)
	require.Contains(t, list, "order-1001")
	require.NotContains(t, list, "order-1003")
	loc, err := chromedp.Run(bctx, chromedp.Location())
	require.NoError(t, err)
	require.Contains(t, loc, "name=orders.wait", "the filter is in the address, to share or reload")
	shot("dashboard-filters.png")

	// A failed workflow: its error and its history.
	run(chromedp.Navigate(base+"#/workflows?tag=demo"),
		chromedp.WaitVisible(`#workflows tbody tr[data-id="order-1004"]`),
		chromedp.Click(`#workflows a[href="#/workflow/order-1004"]`),
		chromedp.WaitVisible(`#wf-error`),
		chromedp.WaitVisible(`#history`))
	page := text(`main`)
	require.Contains(t, page, "card declined")
	d, err := c.Describe(ctx, "order-1004")
	require.NoError(t, err)
	require.Len(t, d.TraceID, 32)
	href, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.getElementById("trace-link").href`))
	require.NoError(t, err)
	require.Equal(t, "http://jaeger.test:16686/trace/"+d.TraceID, href, "the page links the run's trace")
	require.Contains(t, page, "billing.charge")
	require.Contains(t, page, "taskFailed")
	shot("dashboard-workflow.png")

	// A running workflow: signal it from its page; it completes with the value.
	run(chromedp.Navigate(base+"#/workflow/order-1001"),
		chromedp.WaitVisible(`#status .status-running`),
		chromedp.SendKeys(`#signal input[name="channel"]`, "go"),
		chromedp.SetValue(`#signal textarea[name="value"]`, `"paid"`),
		chromedp.Click(`#signal button[type="submit"]`),
		chromedp.WaitVisible(`#status .status-completed`))
	require.Contains(t, text(`main`), `"paid"`)
	o, err = c.Await(waitCtx, "order-1001")
	require.NoError(t, err)
	require.JSONEq(t, `"paid"`, string(o.Output))

	// Another: cancel it from its page.
	run(chromedp.Navigate(base+"#/workflow/order-1002"),
		chromedp.WaitVisible(`#status .status-running`),
		chromedp.Click(`#cancel`),
		chromedp.WaitVisible(`#status .status-canceled`))
	d, err = c.Describe(ctx, "order-1002")
	require.NoError(t, err)
	require.Equal(t, client.Canceled, d.Status)

	// A task running inside its workflow's step: the history records it
	// when the step is saved; the page shows it from its worker's heartbeat.
	_, err = c.Start(ctx, client.StartParams{Workflow: "orders.hold", ID: "order-1005"})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		d, err := c.Describe(ctx, "order-1005")
		return err == nil && len(d.InSteps) == 1
	}, time.Minute, 20*time.Millisecond, "the worker reports the task running in its step")
	run(chromedp.Navigate(base+"#/workflow/order-1005"), chromedp.WaitVisible(`#pending tr.in-step`))
	require.Contains(t, text(`#pending`), "billing.hold: attempt 1 running inside a step on worker "+w.Info().ID)
	require.Contains(t, text(`main`), "0 tasks, 0 timers, 0 children, 1 running in a step")
	shot("dashboard-task-in-step.png")

	// A completed workflow: restart it from its page, with the same input.
	run(chromedp.Navigate(base+"#/workflow/order-1003"),
		chromedp.WaitVisible(`#status .status-completed`),
		chromedp.Click(`#restart`),
		chromedp.WaitVisible(`#flash div`))
	require.Contains(t, text(`#flash`), "Restarted: run 2")
	o, err = c.Await(waitCtx, "order-1003")
	require.NoError(t, err)
	require.JSONEq(t, `42`, string(o.Output), "the new run had the first one's input")
	d, err = c.Describe(ctx, "order-1003")
	require.NoError(t, err)
	require.Equal(t, 2, d.Run)

	// Start a workflow from the form its input type makes; it is then in
	// the list of its name.
	run(chromedp.Navigate(base+"#/start?workflow=orders.place"),
		chromedp.WaitVisible(`#start-input input[name="in.customer"]`))
	require.Contains(t, text(`#start-input`), "express (optional)")
	run(chromedp.SendKeys(`#start input[name="id"]`, "order-2001"),
		chromedp.SendKeys(`#start-input input[name="in.customer"]`, "ACME"),
		chromedp.SendKeys(`#start-input input[name="in.amount"]`, "120"),
		chromedp.Click(`#start-input input[name="in.express"]`))
	shot("dashboard-start.png")
	run(chromedp.Click(`#start button[type="submit"]`),
		chromedp.WaitVisible(`#status .status`),
		chromedp.Navigate(base+"#/workflows?name=orders.place"),
		chromedp.WaitVisible(`#workflows tbody tr[data-id="order-2001"]`))
	o, err = c.Await(waitCtx, "order-2001")
	require.NoError(t, err)
	require.JSONEq(t, `"ACME 120 express=true"`, string(o.Output))

	// Dead letters: listed, then dropped.
	run(chromedp.Navigate(base+"#/dead-letters"), chromedp.WaitVisible(`#dead-letters tbody tr`))
	dls := text(`#dead-letters`)
	require.Contains(t, dls, "workflow.orders.wait")
	require.Contains(t, dls, "Redrive")
	shot("dashboard-dead-letters.png")
	run(chromedp.Click(`#dead-letters button[data-drop]`), chromedp.WaitVisible(`#empty`))
	left, err := c.DeadLetters(ctx)
	require.NoError(t, err)
	require.Empty(t, left, "dropped")
	run(chromedp.Navigate(base+"#/workers"), chromedp.WaitVisible(`#workers tbody tr`))
	ws := text(`#workers`)
	require.Contains(t, ws, "live")
	require.Contains(t, ws, "billing: charge")
	require.Contains(t, ws, addr)
	shot("dashboard-workers.png")

	// Methods: the task attempts by service method, from the worker's metrics.
	run(chromedp.Navigate(base+"#/methods"), chromedp.WaitVisible(`#methods tbody tr[data-method="billing.charge"]`))
	ms := text(`#methods`)
	require.Contains(t, ms, "billing\tcharge")
	require.Contains(t, ms, "100.0 %", "every attempt of billing.charge failed")
	shot("dashboard-methods.png")
}

// TestBrowserReadOnly: in read-only mode the page offers no steering. The
// API has a token, given once in the URL: the browser keeps it in the
// cookie and the page's own requests pass with it.
func TestBrowserReadOnly(t *testing.T) {
	exe := chromium(t)
	ctx := t.Context()
	rt, err := local.Open("")
	require.NoError(t, err)
	defer rt.Close()
	c, err := rt.NewClient(ctx)
	require.NoError(t, err)
	defer c.Close()
	_, err = c.Start(ctx, client.StartParams{Workflow: "later", ID: "r-1", AllowUnregistered: true})
	require.NoError(t, err)
	srv, err := admin.Serve(c, admin.Options{ReadOnly: true, Token: "s3cret", Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	defer srv.Close()

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox)...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	bctx, cancelTimeout := context.WithTimeout(bctx, 2*time.Minute)
	defer cancelTimeout()
	_, err = chromedp.Run(bctx, chromedp.Steps(
		chromedp.Navigate("http://"+srv.Addr()+"/ui/?token=s3cret#/workflow/r-1"),
		chromedp.WaitVisible(`#status .status-running`)))
	require.NoError(t, err)
	loc, err := chromedp.Run(bctx, chromedp.Location())
	require.NoError(t, err)
	require.Equal(t, "http://"+srv.Addr()+"/ui/#/workflow/r-1", loc, "the token is dropped from the address")
	mode, err := chromedp.Run(bctx, chromedp.Text(`#mode`))
	require.NoError(t, err)
	buttons, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll("main button").length`))
	require.NoError(t, err)
	require.Equal(t, "read-only", mode)
	require.Zero(t, buttons, "no steering buttons in read-only mode")
	startHidden, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.getElementById("nav-start").hidden`))
	require.NoError(t, err)
	require.True(t, startHidden, "no Start page in read-only mode")
}

// save keeps a screenshot as a test artifact and, with -screenshots, in
// that directory.
func save(t *testing.T, name string, png []byte) {
	t.Helper()
	require.True(t, strings.HasSuffix(name, ".png"))
	require.NoError(t, os.WriteFile(filepath.Join(t.ArtifactDir(), name), png, 0o644))
	if *screenshots != "" {
		require.NoError(t, os.WriteFile(filepath.Join(*screenshots, name), png, 0o644))
	}
}

package workflow

import (
	"log/slog"

	"github.com/infgen/infgen/runtime/internal/replay"
)

// Context is what a workflow function receives. It is not a context.Context:
// a workflow must not block on anything but the functions of this package.
type Context interface {
	// Info describes the running workflow.
	Info() Info
	// Logger returns a logger carrying the workflow's id; it is silent while
	// the workflow replays history.
	Logger() *slog.Logger
	// IsReplaying reports whether the code currently runs through recorded history.
	IsReplaying() bool
	// Done is ready once the context's scope is canceled (see WithCancel),
	// with the *CanceledError Err returns; wait for it with Select or
	// AwaitAny next to the work it interrupts. The workflow's own context
	// is never canceled this way: client.Cancel ends the workflow at once.
	Done() Deferred[struct{}]
	// Err is nil while the context's scope runs and a *CanceledError once
	// it is canceled.
	Err() error

	coroutine() *replay.Coroutine
	cancelScope() *scope
}

// Info describes a workflow instance.
type Info struct {
	ID      string
	Name    string
	Version int
	// Run is 1 for the first run of the instance, one more after each
	// ContinueAsNew.
	Run  int
	Tags []string
	// ParentID is the id of the parent workflow, for a child workflow.
	ParentID string
}

// wctx implements Context over a coroutine, in a cancellation scope.
type wctx struct {
	co     *replay.Coroutine
	logger *slog.Logger
	scope  *scope
	// capture, when set, takes the first task issued in this context
	// (see Async).
	capture *capture
}

// newContext returns the root context of a run, in coroutine co.
func newContext(co *replay.Coroutine, logger *slog.Logger) *wctx {
	return &wctx{co: co, logger: logger, scope: newScope(co.Scheduler(), nil)}
}

// in returns the context of coroutine co in the same scope as c.
func (c *wctx) in(co *replay.Coroutine) *wctx { return &wctx{co: co, logger: c.logger, scope: c.scope} }

func (c *wctx) coroutine() *replay.Coroutine { return c.co }

func (c *wctx) cancelScope() *scope { return c.scope }

func (c *wctx) Done() Deferred[struct{}] {
	return &deferred[struct{}]{core: pending{f: c.scope.done}}
}

func (c *wctx) Err() error { return c.scope.err }

func (c *wctx) Info() Info {
	st := c.co.Scheduler().State()
	info := Info{ID: st.ID, Name: st.Name, Version: st.Version, Run: max(st.Run, 1), Tags: append([]string(nil), st.Tags...)}
	if st.Parent != nil {
		info.ParentID = st.Parent.ID
	}
	return info
}

func (c *wctx) IsReplaying() bool { return c.co.Scheduler().Replaying() }

func (c *wctx) Logger() *slog.Logger {
	return slog.New(&replayHandler{inner: c.logger.Handler(), ctx: c})
}

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

	coroutine() *replay.Coroutine
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

// wctx implements Context over a coroutine.
type wctx struct {
	co     *replay.Coroutine
	logger *slog.Logger
}

func (c *wctx) coroutine() *replay.Coroutine { return c.co }

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

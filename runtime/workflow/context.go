package workflow

import (
	"context"
	"log/slog"

	"github.com/infgen/infgen/runtime/internal/replay"
)

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

// replayHandler drops records while the workflow replays recorded history,
// so that each line is logged once.
type replayHandler struct {
	inner slog.Handler
	ctx   *wctx
}

func (h *replayHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return !h.ctx.IsReplaying() && h.inner.Enabled(ctx, l)
}

func (h *replayHandler) Handle(ctx context.Context, r slog.Record) error {
	return h.inner.Handle(ctx, r)
}

func (h *replayHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &replayHandler{inner: h.inner.WithAttrs(attrs), ctx: h.ctx}
}

func (h *replayHandler) WithGroup(name string) slog.Handler {
	return &replayHandler{inner: h.inner.WithGroup(name), ctx: h.ctx}
}

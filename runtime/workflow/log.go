package workflow

import (
	"context"
	"log/slog"
)

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

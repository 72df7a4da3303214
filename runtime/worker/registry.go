package worker

import (
	"context"
	"fmt"
	"time"

	"github.com/infgen/infgen/runtime/internal/engine"
)

// WorkerInfo is a worker's record in the registry.
type WorkerInfo = engine.WorkerInfo

// Info returns the worker's record in the registry (nil before Start).
func (w *Worker) Info() *WorkerInfo {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.info == nil {
		return nil
	}
	info := *w.info
	return &info
}

// announce writes the worker's record in the registry, then keeps it fresh
// until Stop.
func (w *Worker) announce(ctx context.Context) error {
	info := w.engine.NewWorkerInfo(w.opts.Heartbeat)
	info.Admin = w.opts.Admin
	if err := w.engine.Announce(ctx, info); err != nil {
		return fmt.Errorf("worker: %w", err)
	}
	w.info = info
	bctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	w.stopBeat, w.beatDone = cancel, make(chan struct{})
	go w.heartbeat(bctx, *info, w.beatDone)
	return nil
}

// heartbeat refreshes the record's last-seen time.
func (w *Worker) heartbeat(ctx context.Context, info WorkerInfo, done chan struct{}) {
	defer close(done)
	t := time.NewTicker(w.opts.Heartbeat)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		info.LastSeen = w.now()
		info.InSteps = w.engine.TasksInSteps()
		if err := w.engine.Announce(ctx, &info); err != nil && ctx.Err() == nil {
			w.opts.Logger.Warn("worker registry: heartbeat not recorded; will retry", "worker_id", info.ID, "error", err)
		}
	}
}

// retire stops the heartbeat and marks the record stopped.
func (w *Worker) retire() {
	w.stopBeat()
	<-w.beatDone
	info := *w.info
	info.LastSeen, info.Stopped = w.now(), true
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := w.engine.Announce(ctx, &info); err != nil {
		w.opts.Logger.Warn("worker registry: stop not recorded (the worker shows as stale)", "worker_id", info.ID, "error", err)
	}
}

func (w *Worker) now() time.Time {
	if w.opts.Now != nil {
		return w.opts.Now().UTC()
	}
	return time.Now().UTC()
}

package engine

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/infgen/infgen/runtime/internal/message"
)

// TaskInStep is a task attempt running inside a workflow step (a local
// task, see runLocal). The workflow's history records it only when the
// step is saved, with its result: until then inspection learns of it from
// the registry record of the worker running it, refreshed at each
// heartbeat.
type TaskInStep struct {
	WorkflowID string `json:"workflowId"`
	RunID      string `json:"runId"`
	// Seq is the step that issued the task.
	Seq     int       `json:"seq"`
	Service string    `json:"service"`
	Method  string    `json:"method"`
	Attempt int       `json:"attempt"`
	Since   time.Time `json:"since"`
	// Worker is the id of the worker running it (set by Describe).
	Worker string `json:"worker,omitempty"`
}

// Heartbeats report the attempts running in steps for at least
// inStepReportAfter, at most maxInStepReported of them (the oldest).
const (
	inStepReportAfter = time.Second
	maxInStepReported = 100
)

// inSteps tracks the task attempts running in steps on this engine.
type inSteps struct {
	mu   sync.Mutex
	runs map[*message.Envelope]time.Time
}

// begin records that the attempt env asks for starts running in a step;
// the function it returns records its end.
func (r *inSteps) begin(env *message.Envelope, now time.Time) (end func()) {
	r.mu.Lock()
	if r.runs == nil {
		r.runs = map[*message.Envelope]time.Time{}
	}
	r.runs[env] = now
	r.mu.Unlock()
	return func() {
		r.mu.Lock()
		delete(r.runs, env)
		r.mu.Unlock()
	}
}

// TasksInSteps returns the task attempts that have run in steps on this
// engine since before now minus inStepReportAfter, oldest first, at most
// maxInStepReported: what the worker's registry record reports.
func (e *Engine) TasksInSteps() []TaskInStep {
	cut := time.Now().Add(-inStepReportAfter)
	e.running.mu.Lock()
	var out []TaskInStep
	for env, since := range e.running.runs {
		if since.After(cut) {
			continue
		}
		out = append(out, TaskInStep{WorkflowID: env.WorkflowID, RunID: env.RunID, Seq: env.Seq,
			Service: env.Service, Method: env.Method, Attempt: env.Attempt, Since: since})
	}
	e.running.mu.Unlock()
	slices.SortFunc(out, func(a, b TaskInStep) int { return a.Since.Compare(b.Since) })
	return out[:min(len(out), maxInStepReported)]
}

// tasksInStepsOf returns the attempts running in steps of run runID of
// workflow id, as the live workers' registry records report them; the
// registry is read at most once a second.
func (e *Engine) tasksInStepsOf(ctx context.Context, id, runID string) ([]TaskInStep, error) {
	workers, err := e.liveWorkers(ctx)
	if err != nil {
		return nil, err
	}
	var out []TaskInStep
	for _, w := range workers {
		for _, t := range w.InSteps {
			if t.WorkflowID == id && t.RunID == runID {
				t.Worker = w.ID
				out = append(out, t)
			}
		}
	}
	return out, nil
}

// liveWorkers returns the registry's records of the live workers (see
// WorkerInfo.Live: a killed worker's last report of its attempts does not
// count), read at most once a second.
func (e *Engine) liveWorkers(ctx context.Context) ([]WorkerInfo, error) {
	e.workersSeen.mu.Lock()
	defer e.workersSeen.mu.Unlock()
	if time.Since(e.workersSeen.at) < time.Second {
		return e.workersSeen.list, nil
	}
	all, err := e.Workers(ctx)
	if err != nil {
		return nil, err
	}
	now := e.now()
	live := all[:0]
	for _, w := range all {
		if w.Live(now) {
			live = append(live, w)
		}
	}
	e.workersSeen.list, e.workersSeen.at = live, time.Now()
	return live, nil
}

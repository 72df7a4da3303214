package engine

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/infgen/infgen/runtime/internal/errconv"
	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/internal/message"
	"github.com/infgen/infgen/runtime/retry"
	"github.com/infgen/infgen/runtime/service"
	"github.com/infgen/infgen/runtime/transport"
)

// HandleTask is the transport handler of service topics: it executes one
// attempt of a task and answers the workflow.
func (e *Engine) HandleTask(ctx context.Context, d *transport.Delivery) error {
	env, err := message.Decode(d.Payload)
	if err == nil && env.Kind != message.ExecuteTask {
		err = fmt.Errorf("unexpected %s message on a service topic", env.Kind)
	}
	if err != nil {
		return e.deadLetter(ctx, d, err.Error())
	}
	if d.Redeliveries >= e.maxRedeliveries {
		return e.deadLetter(ctx, d, fmt.Sprintf("handling failed %d times", d.Redeliveries))
	}
	release, err := e.service(env.Service).acquire(ctx)
	if err != nil {
		return err
	}
	res := e.attempt(ctx, env, d.Headers["traceparent"])
	release()
	o := &outbox{}
	o.add(message.WorkflowTopic(env.WorkflowName), env.WorkflowID, 0, res)
	return e.publish(ctx, o, d.Headers["traceparent"])
}

// attempt executes one attempt of the task env asks for and returns the
// TaskResult answering it. traceparent is the span the attempt's span is
// a child of.
func (e *Engine) attempt(ctx context.Context, env *message.Envelope, traceparent string) *message.Envelope {
	// The task's logger is made only for a line that will be logged: most
	// tasks log nothing, and With costs an allocation per attribute.
	log := func() *slog.Logger {
		l := e.log.With("workflow", env.WorkflowName, "workflow_id", env.WorkflowID, "run_id", env.RunID, "task_id", env.TaskID,
			"service", env.Service, "method", env.Method, "attempt", env.Attempt)
		if tid := TraceID(traceparent); tid != "" {
			l = l.With("trace_id", tid)
		}
		return l
	}
	res := &message.Envelope{Kind: message.TaskResult, WorkflowID: env.WorkflowID, WorkflowName: env.WorkflowName,
		Seq: env.Seq, RunID: env.RunID, TaskID: env.TaskID, Service: env.Service, Method: env.Method, Attempt: env.Attempt}

	svc := e.service(env.Service)
	var m *Method
	if svc != nil {
		m = svc.Methods[env.Method]
	}
	if m == nil {
		res.Error = &history.Error{Kind: history.ErrorKindTask, Message: fmt.Sprintf("method %s.%s is not registered on this worker", env.Service, env.Method)}
	} else {
		layers := m.Layers
		layers.Call = retry.Settings{Policy: env.Retry, Timeout: env.Timeout}
		r := layers.Resolve()
		start := time.Now()
		tctx, done, tp := ctx, func(error, bool) {}, ""
		if e.obs != nil {
			a := &TaskAttempt{Workflow: env.WorkflowName, WorkflowID: env.WorkflowID, RunID: env.RunID,
				TaskID: env.TaskID, Service: env.Service, Method: env.Method, Attempt: env.Attempt,
				TraceParent: traceparent, Start: start}
			tctx, done = e.obs.TaskAttempt(ctx, a)
			tp = a.SpanTraceParent
		}
		if tp == "" {
			tp = ChildSpan(traceparent)
		}
		out, err := e.runTask(tctx, svc, m, env, r.Timeout, tp)
		m.observe(time.Since(start))
		again := false
		if err != nil {
			var after time.Duration
			again, after = r.Policy.Decide(env.Attempt, err)
			res.Error = errconv.Of(svc.Errors).FromService(err)
			if again {
				res.RetryAfter = max(after, time.Millisecond)
			}
			log().Warn("task attempt failed", "error", err, "retry", again, "retry_after", after, "duration", time.Since(start),
				"max_attempts", r.Policy.MaxAttempts, "policy_from", r.PolicyFrom.String())
		} else {
			res.Payload = out
			if e.log.Enabled(ctx, slog.LevelDebug) {
				log().Debug("task completed", "duration", time.Since(start))
			}
		}
		done(err, again)
	}
	return res
}

// runTask calls the method with the task in its context, under timeout,
// turning a panic into an error.
func (e *Engine) runTask(ctx context.Context, svc *Service, m *Method, env *message.Envelope, timeout time.Duration, traceparent string) (out []byte, err error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ctx = service.WithTask(ctx, service.Task{
		ID: env.TaskID, WorkflowID: env.WorkflowID, WorkflowName: env.WorkflowName,
		Service: env.Service, Method: env.Method, Attempt: env.Attempt, Tags: env.Tags, Meta: env.Meta,
		IdempotencyKey: env.IdempotencyKey, TraceParent: traceparent,
	})
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s.%s panicked: %v\n%s", svc.Name, env.Method, r, debug.Stack())
		}
	}()
	out, err = m.Handler(ctx, env.Payload)
	if err == nil && ctx.Err() != nil {
		err = fmt.Errorf("%s.%s timed out after %s", svc.Name, env.Method, timeout)
	}
	return out, err
}

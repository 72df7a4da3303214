package engine

import (
	"context"
	"errors"
	"log/slog"

	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/internal/message"
)

// checkTargets looks at the child starts and tasks a step is about to send:
// one for a workflow or a service method that no worker has ever registered
// on the store would wait forever (a typo, a worker never deployed), so it
// fails at once instead, in the workflow, with the closest registered names.
// Known names are cached, so this costs a lookup per message.
func (e *Engine) checkTargets(ctx context.Context, st *history.State, out *outbox) error {
	for i := range out.msgs {
		m := &out.msgs[i]
		env := m.Env
		if env == nil {
			continue // an event
		}
		var unknown error
		switch {
		case env.Kind == message.Start && env.Parent != nil:
			err := e.CheckWorkflow(ctx, env.WorkflowName)
			var u *UnknownWorkflowError
			if !errors.As(err, &u) {
				if err != nil {
					return err
				}
				continue
			}
			unknown = u
			*m = outMsg{Topic: message.WorkflowTopic(st.Name), Key: st.ID, Env: &message.Envelope{
				Kind: message.ChildResult, ID: NewID(), WorkflowID: st.ID, WorkflowName: st.Name, RunID: st.RunID, Seq: env.Parent.Seq,
				Error: &history.Error{Kind: history.ErrorKindChild, Message: unknown.Error(), Workflow: env.WorkflowName, ID: env.WorkflowID,
					Cause: &history.Error{Kind: history.ErrorKindWorkflow, Message: unknown.Error()}},
			}}
		case env.Kind == message.ExecuteTask:
			err := e.CheckMethod(ctx, env.Service, env.Method)
			var u *UnknownMethodError
			if !errors.As(err, &u) {
				if err != nil {
					return err
				}
				continue
			}
			unknown = u
			*m = outMsg{Topic: message.WorkflowTopic(st.Name), Key: st.ID, Env: &message.Envelope{
				Kind: message.TaskResult, ID: NewID(), WorkflowID: st.ID, WorkflowName: st.Name, RunID: st.RunID, Seq: env.Seq,
				TaskID: env.TaskID, Service: env.Service, Method: env.Method, Attempt: env.Attempt,
				Error: &history.Error{Kind: history.ErrorKindService, Message: unknown.Error()},
			}}
		default:
			continue
		}
		e.logRun(st, slog.LevelError, "nothing serves the target of a workflow step; it fails in the workflow", "error", unknown)
	}
	return nil
}

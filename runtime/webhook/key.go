package webhook

import (
	"context"

	"github.com/infgen/infgen/runtime/service"
)

// CallbackKey returns, inside a task, the workflow that made the call and
// the key correlating its callbacks: the one the workflow's stub attached
// (CallbackKeyMeta), else the task id. ok is false outside a task.
func CallbackKey(ctx context.Context) (workflowID, key string, ok bool) {
	t, found := service.TaskFrom(ctx)
	if !found || t.WorkflowID == "" {
		return "", "", false
	}
	key = t.Meta[CallbackKeyMeta]
	if key == "" {
		key = t.ID
	}
	return t.WorkflowID, key, key != ""
}

package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/storage"
)

// TaskRecord is a task the current run of a workflow issued, as its history
// records it: what was called with what, and what it answered. Tools
// validate recorded payloads against a new version of a service's
// description with it (infgen check).
type TaskRecord struct {
	// Seq is the step that issued the task.
	Seq     int    `json:"seq"`
	Service string `json:"service"`
	Method  string `json:"method"`
	// Codec encodes Input and Output: "json", or "proto" (binary protobuf).
	Codec string `json:"codec,omitempty"`
	Input []byte `json:"input,omitempty"`
	// Status is "pending" (no answer recorded yet), "completed" or "failed".
	Status string `json:"status"`
	// Output is a completed task's answer.
	Output []byte `json:"output,omitempty"`
	// Error is a failed task's error message.
	Error string `json:"error,omitempty"`
}

// Task statuses of a TaskRecord.
const (
	TaskPending   = "pending"
	TaskCompleted = "completed"
	TaskFailed    = "failed"
)

// Tasks returns the tasks the current run of a workflow issued, in step
// order, with their recorded inputs and answers (its sealed history too).
func (e *Engine) Tasks(ctx context.Context, id string) ([]TaskRecord, error) {
	st, _, err := loadHead(ctx, e.store, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	if err != nil {
		return nil, err
	}
	if err := attachSegments(ctx, e.store, st); err != nil {
		return nil, err
	}
	return taskRecords(st), nil
}

// taskRecords lists the task commands of a complete state with their answers.
func taskRecords(st *history.State) []TaskRecord {
	answers := map[int]history.Event{}
	for _, b := range st.Batches {
		for _, ev := range b.Events {
			if ev.Kind == history.EventTaskCompleted || ev.Kind == history.EventTaskFailed {
				answers[ev.Seq] = ev
			}
		}
	}
	var out []TaskRecord
	for _, c := range st.Commands {
		if c.Kind != history.CommandTask {
			continue
		}
		// Name is "service.method": a service name may hold dots, a method
		// name never does.
		i := strings.LastIndexByte(c.Name, '.')
		r := TaskRecord{Seq: c.Seq, Service: c.Name[:max(i, 0)], Method: c.Name[i+1:], Codec: c.Codec, Input: c.Input, Status: TaskPending}
		if ev, ok := answers[c.Seq]; ok {
			r.Status = TaskCompleted
			r.Output = ev.Payload
			if ev.Kind == history.EventTaskFailed {
				r.Status, r.Output = TaskFailed, nil
				if ev.Error != nil {
					r.Error = ev.Error.Message
				}
			}
		}
		out = append(out, r)
	}
	return out
}

package client

import (
	"context"
	"encoding/json"

	"github.com/infgen/infgen/runtime/internal/engine"
)

// Description summarizes a workflow.
type Description = engine.Description

// Describe returns a summary of a workflow.
func (c *Client) Describe(ctx context.Context, id string) (*Description, error) {
	return c.e.Describe(ctx, id)
}

// State returns a workflow's full state, history included, as JSON.
func (c *Client) State(ctx context.Context, id string) (json.RawMessage, error) {
	return c.e.StateJSON(ctx, id)
}

// DeadLetter is a message set aside because it could not be handled.
type DeadLetter = engine.DeadLetter

// DeadLetters lists the dead letters.
func (c *Client) DeadLetters(ctx context.Context) ([]DeadLetter, error) {
	return c.e.DeadLetters(ctx)
}

// Redrive publishes a dead letter again on its topic and removes it.
func (c *Client) Redrive(ctx context.Context, id string) error {
	return c.e.Redrive(ctx, id)
}

// WorkerInfo is a worker's record in the registry: what it serves, where it
// runs, when it was last seen.
type WorkerInfo = engine.WorkerInfo

// WorkflowInfo and ServiceInfo are what a worker serves.
type (
	WorkflowInfo = engine.WorkflowInfo
	ServiceInfo  = engine.ServiceInfo
)

// Workers returns the worker registry of the store, live and stale.
func (c *Client) Workers(ctx context.Context) ([]WorkerInfo, error) {
	return c.e.Workers(ctx)
}

// TaskRecord is a task a workflow's current run issued, with its recorded
// input and answer.
type TaskRecord = engine.TaskRecord

// Task statuses of a TaskRecord.
const (
	TaskPending   = engine.TaskPending
	TaskCompleted = engine.TaskCompleted
	TaskFailed    = engine.TaskFailed
)

// Tasks returns the tasks the current run of a workflow issued, in step
// order, with their recorded inputs and answers.
func (c *Client) Tasks(ctx context.Context, id string) ([]TaskRecord, error) {
	return c.e.Tasks(ctx, id)
}

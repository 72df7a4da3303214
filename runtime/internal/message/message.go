package message

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/retry"
)

// Kind names a message.
type Kind string

// Message kinds. Workflow engines receive Start, Wake, TaskResult, Timer,
// Retry, ChildResult, Cancel, Recover and Timeout; service executors receive
// ExecuteTask; clients receive Completed and UpdateDone.
const (
	Start       Kind = "start"
	Wake        Kind = "wake"
	TaskResult  Kind = "taskResult"
	Timer       Kind = "timer"
	Retry       Kind = "retry"
	ChildResult Kind = "childResult"
	Cancel      Kind = "cancel"
	Recover     Kind = "recover"
	Timeout     Kind = "timeout"
	ExecuteTask Kind = "executeTask"
	Completed   Kind = "completed"
	// UpdateDone tells clients that a workflow answered the update
	// request UpdateID.
	UpdateDone Kind = "updateDone"
)

// Envelope is every message; fields beyond Kind depend on the kind.
type Envelope struct {
	Kind Kind `json:"kind"`
	// ID identifies the message (deduplication of redeliveries).
	ID           string `json:"id"`
	WorkflowID   string `json:"workflowId"`
	WorkflowName string `json:"workflowName"`
	Seq          int    `json:"seq,omitempty"`
	// RunID scopes a message to one run of the workflow (tasks, timers,
	// retries, child results): a message of an earlier run, which continued
	// as new, is dropped instead of being matched to the new run's steps.
	RunID string `json:"runId,omitempty"`

	// Task fields (ExecuteTask, TaskResult, Retry).
	TaskID  string            `json:"taskId,omitempty"`
	Service string            `json:"service,omitempty"`
	Method  string            `json:"method,omitempty"`
	Attempt int               `json:"attempt,omitempty"`
	Codec   string            `json:"codec,omitempty"`
	Payload history.Payload   `json:"payload,omitempty"`
	Meta    map[string]string `json:"meta,omitempty"`
	Tags    []string          `json:"tags,omitempty"`
	Timeout time.Duration     `json:"timeout,omitempty"`
	// Retry and IdempotencyKey are a task's per-call options (nil and empty:
	// the worker's settings, the task id).
	Retry          *retry.Policy `json:"retry,omitempty"`
	IdempotencyKey string        `json:"idempotencyKey,omitempty"`
	// Error of a failed task or child; RetryAfter > 0 asks for a retry.
	Error      *history.Error `json:"error,omitempty"`
	RetryAfter time.Duration  `json:"retryAfter,omitempty"`

	// Start fields (child workflows).
	Parent *history.ParentRef `json:"parent,omitempty"`
	// Status of a Completed notification.
	Status history.Status `json:"status,omitempty"`
	// UpdateID is the update request an UpdateDone notification answers.
	UpdateID string `json:"updateId,omitempty"`

	// Run is the run number of a Completed notification (1, then one more
	// each time the workflow continued as new or was restarted).
	Run int `json:"run,omitempty"`

	// State and Version, on the Wake that follows a client's start, are
	// the state record the client wrote and its version: the engine may
	// step on them instead of reading the record back (the write of its
	// step is a compare-and-set at Version, so it is never wrong about
	// them, only too late).
	State   json.RawMessage `json:"state,omitempty"`
	Version int64           `json:"version,omitempty"`
}

// Encode marshals an envelope (as json.Marshal does, faster).
func Encode(e *Envelope) ([]byte, error) { return appendEnvelope(make([]byte, 0, 256), e) }

// Decode unmarshals an envelope and checks it is usable.
func Decode(data []byte) (*Envelope, error) {
	e := &Envelope{}
	if readEnvelope(data, e) != nil {
		// Not the plain form Encode writes: encoding/json decides.
		*e = Envelope{}
		if err := json.Unmarshal(data, e); err != nil {
			return nil, fmt.Errorf("decode message: %w", err)
		}
	}
	if e.Kind == "" {
		return nil, fmt.Errorf("decode message: no kind")
	}
	if e.Kind != Completed && e.WorkflowID == "" {
		return nil, fmt.Errorf("decode message %s: no workflow id", e.Kind)
	}
	return e, nil
}

// WorkflowTopic is the topic of a workflow's engine (KeyShared by workflow id).
func WorkflowTopic(name string) string { return "workflow." + name }

// ServiceTopic is the topic of a service's executors (Shared).
func ServiceTopic(name string) string { return "service." + name }

// CompletedTopic carries workflow completion notifications to clients.
const CompletedTopic = "infgen.completed"

// DeadLetterTopic receives a copy of each dead letter: the engine's
// DeadLetter record as JSON, keyed by its id, with the reason in the
// "reason" header.
const DeadLetterTopic = "infgen.dead-letters"

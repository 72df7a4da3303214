package history

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/infgen/infgen/runtime/retry"
)

// Status is the lifecycle stage of a workflow instance.
type Status string

// Statuses.
const (
	Running   Status = "running"
	Completed Status = "completed"
	Failed    Status = "failed"
	Canceled  Status = "canceled"
)

// Terminal reports whether the status is final.
func (s Status) Terminal() bool { return s == Completed || s == Failed || s == Canceled }

// State is everything the runtime knows of one workflow instance.
type State struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	RunID string `json:"runId"`
	// Run counts the runs of the instance: 1, then one more each time the
	// workflow continues as new.
	Run         int        `json:"run,omitempty"`
	Version     int        `json:"version,omitempty"`
	Status      Status     `json:"status"`
	Tags        []string   `json:"tags,omitempty"`
	Input       Payload    `json:"input,omitempty"`
	Output      Payload    `json:"output,omitempty"`
	Error       *Error     `json:"error,omitempty"`
	Parent      *ParentRef `json:"parent,omitempty"`
	TraceParent string     `json:"traceparent,omitempty"` // the run's span
	TraceFrom   string     `json:"traceFrom,omitempty"`   // the span that started the run, the parent of its span
	Created     time.Time  `json:"created"`
	Updated     time.Time  `json:"updated"`
	// Deadline, when set, is when the workflow fails with a timeout.
	Deadline time.Time `json:"deadline,omitzero"`

	// Batches is the recorded history: each batch holds the events applied
	// in one step of the engine, in order.
	Batches []Batch `json:"batches"`
	// Commands are the steps the workflow issued, indexed by sequence number.
	Commands []Command `json:"commands"`
	// Sealed, when set, says that the run's first batches and commands are
	// stored apart from the state record, in immutable segments (see
	// package engine). A state read from its record alone (Unmarshal) then
	// holds in Batches and Commands only what follows them (Complete is
	// false) until the segments are attached (Attach).
	Sealed *Sealed `json:"sealed,omitempty"`
	// Inbox holds events received but not yet applied (while parked, or
	// written by a client).
	Inbox []Event `json:"inbox,omitempty"`

	// Tasks, Timers and Children describe work still pending, by sequence number.
	Tasks    map[int]*PendingTask `json:"tasks,omitempty"`
	Timers   map[int]time.Time    `json:"timers,omitempty"`
	Children map[int]string       `json:"children,omitempty"`
	// Updates are the update requests sent to the instance, by request id:
	// where each stands and, once answered, its answer, which the client
	// that sent it reads here. Answered requests are kept for the run they
	// were answered in and the next one.
	Updates map[string]*Update `json:"updates,omitempty"`
	// SignalKeys are the deduplication keys of the signals delivered to
	// the instance (a webhook's delivery id), oldest first, at most
	// MaxSignalKeys: a signal whose key is here is not delivered again.
	// They outlive continue-as-new; a restart of a finished instance
	// starts without them.
	SignalKeys []string `json:"signalKeys,omitempty"`
	// Parked is set when the instance cannot progress on the deployed code
	// (non-deterministic replay, panic, unknown version).
	Parked *Park `json:"parked,omitempty"`

	// LastTrigger identifies the message that caused the last step, and
	// Outbox the messages that step published: when the trigger is delivered
	// again (the process died before acknowledging it), the outbox is
	// published again.
	LastTrigger string            `json:"lastTrigger,omitempty"`
	Outbox      []json.RawMessage `json:"outbox,omitempty"`

	// enc caches the JSON of the history for Marshal (see encoded).
	enc *encoded
	// tail is set while Batches and Commands hold only the history after
	// Sealed (the state as read from its record).
	tail bool
	// storedCommands counts the commands known to be stored (see
	// PlanSegment).
	storedCommands int
}

// MaxSignalKeys bounds State.SignalKeys: the oldest key is forgotten when a
// new one would exceed it.
const MaxSignalKeys = 1000

// HasSignalKey reports whether a signal with key was delivered.
func (s *State) HasSignalKey(key string) bool { return slices.Contains(s.SignalKeys, key) }

// AddSignalKey records key, forgetting the oldest beyond MaxSignalKeys.
func (s *State) AddSignalKey(key string) {
	s.SignalKeys = append(s.SignalKeys, key)
	if n := len(s.SignalKeys) - MaxSignalKeys; n > 0 {
		s.SignalKeys = slices.Delete(s.SignalKeys, 0, n)
	}
}

// Sealed describes the part of a run's history stored in segments.
type Sealed struct {
	// Batches and Commands count the sealed batches and commands: the
	// first ones of the run.
	Batches  int `json:"batches"`
	Commands int `json:"commands"`
	// Segments are the segments, in order, each holding the batches and
	// commands that follow the previous one's.
	Segments []Segment `json:"segments"`
}

// Segment is one stored piece of a run's history: its batches and commands
// from the given starting indexes. Its content is fixed by the run and the
// four numbers, since a run's history only grows (the last batch aside,
// which is never sealed).
type Segment struct {
	FirstBatch   int `json:"firstBatch"`
	Batches      int `json:"batches"`
	FirstCommand int `json:"firstCommand"`
	Commands     int `json:"commands"`
}

// SegmentRecord is the stored form of a segment.
type SegmentRecord struct {
	Batches  []Batch   `json:"batches"`
	Commands []Command `json:"commands"`
}

// Complete reports whether Batches and Commands hold the run's whole
// history.
func (s *State) Complete() bool { return !s.tail }

// Steps returns the number of commands the run issued.
func (s *State) Steps() int {
	if s.tail && s.Sealed != nil {
		return s.Sealed.Commands + len(s.Commands)
	}
	return len(s.Commands)
}

// Attach completes a state read from its record with its segments'
// content, in the order of Sealed.Segments.
func (s *State) Attach(segs []SegmentRecord) error {
	if !s.tail {
		return nil
	}
	if s.Sealed == nil || len(segs) != len(s.Sealed.Segments) {
		return fmt.Errorf("history: %d segments for %d sealed", len(segs), lenSegments(s.Sealed))
	}
	var batches []Batch
	var commands []Command
	for i, seg := range s.Sealed.Segments {
		if seg.FirstBatch != len(batches) || seg.FirstCommand != len(commands) ||
			len(segs[i].Batches) != seg.Batches || len(segs[i].Commands) != seg.Commands {
			return fmt.Errorf("history: segment %d holds %d batches and %d commands, want %d from %d and %d from %d",
				i, len(segs[i].Batches), len(segs[i].Commands), seg.Batches, seg.FirstBatch, seg.Commands, seg.FirstCommand)
		}
		batches = append(batches, segs[i].Batches...)
		commands = append(commands, segs[i].Commands...)
	}
	if len(batches) != s.Sealed.Batches || len(commands) != s.Sealed.Commands {
		return fmt.Errorf("history: segments hold %d batches and %d commands, want %d and %d",
			len(batches), len(commands), s.Sealed.Batches, s.Sealed.Commands)
	}
	s.Batches = append(batches, s.Batches...)
	s.Commands = append(commands, s.Commands...)
	s.tail = false
	s.enc = nil // its indexes were the tail's
	return nil
}

func lenSegments(s *Sealed) int {
	if s == nil {
		return 0
	}
	return len(s.Segments)
}

// Stored records that the state's commands are all stored (a write of the
// state succeeded).
func (s *State) Stored() { s.storedCommands = s.Steps() }

// PlanSegment returns the segment to seal before the state's next write,
// or nil: one when the stored history not yet sealed holds at least size
// batches or commands. It seals only what is already stored (every batch
// but the last, which a step may have just added or a retry of failed
// tasks may still change; the commands of the last successful write), so
// that every writer that seals a given range writes the same content.
func (s *State) PlanSegment(size int) *Segment {
	if s.tail || size <= 0 {
		return nil
	}
	var b0, c0 int
	if s.Sealed != nil {
		b0, c0 = s.Sealed.Batches, s.Sealed.Commands
	}
	nb := len(s.Batches) - 1 - b0
	nc := min0(s.storedCommands, len(s.Commands)) - c0
	if nb < 0 || nc < 0 || (nb < size && nc < size) {
		return nil
	}
	return &Segment{FirstBatch: b0, Batches: nb, FirstCommand: c0, Commands: nc}
}

func min0(a, b int) int {
	if a < b {
		return a
	}
	return b
}

// Seal records that seg is stored: the next writes of the state leave its
// batches and commands out.
func (s *State) Seal(seg Segment) {
	next := &Sealed{Batches: seg.FirstBatch + seg.Batches, Commands: seg.FirstCommand + seg.Commands}
	if s.Sealed != nil {
		next.Segments = append(next.Segments, s.Sealed.Segments...)
	}
	next.Segments = append(next.Segments, seg)
	s.Sealed = next
}

// ResetHistory clears the history for a new run (the sealed part too).
func (s *State) ResetHistory() {
	s.Batches, s.Commands, s.Sealed = nil, nil, nil
	s.tail, s.storedCommands = false, 0
}

// ParentRef points from a child workflow to the step of its parent that
// waits for it.
type ParentRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Seq  int    `json:"seq"`
	// RunID is the parent's run that waits: a result for an earlier run
	// (the parent continued as new meanwhile) is dropped.
	RunID string `json:"runId,omitempty"`
}

// PendingTask is a task not yet completed.
type PendingTask struct {
	Attempt int       `json:"attempt"`
	RetryAt time.Time `json:"retryAt,omitzero"`
	LastErr string    `json:"lastError,omitempty"`
}

// UpdateStatus is where an update request stands.
type UpdateStatus string

// Update statuses.
const (
	// UpdateRequested: stored, not yet seen by the workflow.
	UpdateRequested UpdateStatus = "requested"
	// UpdateAccepted: validated and recorded in history; its handler runs.
	UpdateAccepted UpdateStatus = "accepted"
	// UpdateRejected: the validator (or the absence of a handler) refused
	// it; it is not in history.
	UpdateRejected UpdateStatus = "rejected"
	// UpdateCompleted: the handler returned Output.
	UpdateCompleted UpdateStatus = "completed"
	// UpdateFailed: the handler returned Error, or the run ended before
	// it did.
	UpdateFailed UpdateStatus = "failed"
)

// Answered reports whether the request has its answer.
func (s UpdateStatus) Answered() bool {
	return s == UpdateRejected || s == UpdateCompleted || s == UpdateFailed
}

// Update is an update request sent to a workflow.
type Update struct {
	// Name is the update's handler.
	Name   string       `json:"name"`
	Status UpdateStatus `json:"status"`
	// Output is the handler's JSON-encoded result, Error its error or
	// the reason of a rejection.
	Output Payload `json:"output,omitempty"`
	Error  *Error  `json:"error,omitempty"`
	// Run is the run of the instance in which it was answered.
	Run int `json:"run,omitempty"`
}

// Park says why an instance is parked.
type Park struct {
	Reason string    `json:"reason"`
	Since  time.Time `json:"since"`
}

// Batch is the set of events applied in one engine step.
type Batch struct {
	Time   time.Time `json:"time"`
	Events []Event   `json:"events"`
}

// EventKind names what happened.
type EventKind string

// Event kinds.
const (
	EventStarted         EventKind = "started"
	EventTaskCompleted   EventKind = "taskCompleted"
	EventTaskFailed      EventKind = "taskFailed"
	EventTimerFired      EventKind = "timerFired"
	EventChildCompleted  EventKind = "childCompleted"
	EventChildFailed     EventKind = "childFailed"
	EventSignal          EventKind = "signal"
	EventCancelRequested EventKind = "cancelRequested"
	EventTimedOut        EventKind = "timedOut"
	// EventUpdate is an update request (Update names the handler, ID
	// identifies the request). Only accepted requests stay in history: the
	// engine drops a rejected one from the batch it arrived in.
	EventUpdate EventKind = "update"
)

// Event is something that happened to a workflow.
type Event struct {
	Kind EventKind `json:"kind"`
	// Seq is the command the event answers (tasks, timers, children).
	Seq int `json:"seq,omitempty"`
	// Channel is the signal channel.
	Channel string `json:"channel,omitempty"`
	// Update is the name of an update's handler.
	Update string `json:"update,omitempty"`
	// Payload is the task/child output or the signal value.
	Payload Payload `json:"payload,omitempty"`
	Error   *Error  `json:"error,omitempty"`
	// ID deduplicates client-sent events (signals); it identifies an
	// update request.
	ID string `json:"id,omitempty"`
}

// CommandKind names a step a workflow takes.
type CommandKind string

// Command kinds.
const (
	CommandTask   CommandKind = "task"
	CommandTimer  CommandKind = "timer"
	CommandChild  CommandKind = "child"
	CommandInline CommandKind = "inline"
	// CommandCancel cancels the pending step Target (a timer, a task, a
	// child workflow): the workflow canceled it, or the scope it was started
	// in. Name is the canceled step's name.
	CommandCancel CommandKind = "cancel"
	// CommandEmit publishes an event (workflow.Emit): Name is the event
	// type, Input its data (JSON), Meta its optional "subject" and
	// "dataschema". It needs no result; the engine publishes the event
	// through the step's outbox.
	CommandEmit CommandKind = "emit"
)

// Meta keys of an emit command.
const (
	EmitSubject    = "subject"
	EmitDataSchema = "dataschema"
)

// Command is a step the workflow issued.
type Command struct {
	Seq  int         `json:"seq"`
	Kind CommandKind `json:"kind"`
	// Name identifies the step: "service.method" for tasks, the workflow name
	// for children, the duration for timers, the label for inline steps.
	Name string `json:"name"`
	// Input of a task or child.
	Input Payload `json:"input,omitempty"`
	// Codec of Input and of the result.
	Codec string `json:"codec,omitempty"`
	// Duration of a timer.
	Duration time.Duration `json:"duration,omitempty"`
	// ChildID of a child workflow.
	ChildID string `json:"childId,omitempty"`
	// Target is the step a cancel command cancels.
	Target int `json:"target,omitempty"`
	// Meta, Timeout, Retry and IdempotencyKey of a task: the options of the
	// call, recorded so that every attempt, retry and redrive of the task
	// runs with them (nil and zero: the worker's settings).
	Meta           map[string]string `json:"meta,omitempty"`
	Timeout        time.Duration     `json:"timeout,omitempty"`
	Retry          *retry.Policy     `json:"retry,omitempty"`
	IdempotencyKey string            `json:"idempotencyKey,omitempty"`
	// DataSchema of a task is the URI of its result's schema (see
	// runtime/internal/dataschema), recorded when the engine publishes
	// outcome events: the dataschema of the task's completed event.
	DataSchema string `json:"dataSchema,omitempty"`
	// Tags of a child; of a task, the tags the call adds to the workflow's.
	Tags []string `json:"tags,omitempty"`
	// Result of an inline step.
	Result Payload `json:"result,omitempty"`
	Error  *Error  `json:"error,omitempty"`
}

// ErrorKind classifies a recorded error. Its values are stored as the
// strings below, so that histories recorded before the type existed keep
// their meaning: never change a value, only add new ones.
type ErrorKind string

// Error kinds.
const (
	// ErrorKindTask is a task that failed for good (after its last attempt,
	// or at once for a permanent error); its Cause is the service's error.
	ErrorKindTask ErrorKind = "task"
	// ErrorKindService is the error of one attempt of a task, as the service
	// returned it (message, and type and payload of a registered type).
	ErrorKindService ErrorKind = "service"
	// ErrorKindChild is a child workflow that failed or was canceled; its
	// Cause is the child's own error.
	ErrorKindChild ErrorKind = "child"
	// ErrorKindTimeout is a workflow that exceeded its timeout.
	ErrorKindTimeout ErrorKind = "timeout"
	// ErrorKindCanceled is a cancellation (of a workflow, or of a step of
	// one by a canceled scope).
	ErrorKindCanceled ErrorKind = "canceled"
	// ErrorKindWorkflow is an error returned by workflow code (or by an
	// update handler, or a validator's rejection).
	ErrorKindWorkflow ErrorKind = "workflow"
	// ErrorKindContinueAsNew marks the outcome of a workflow function that
	// asked to continue as new; the function's output is then the next run's
	// input.
	ErrorKindContinueAsNew ErrorKind = "continueAsNew"
)

// Error is a failure as recorded in history and sent on the wire.
type Error struct {
	// Kind classifies the error.
	Kind     ErrorKind `json:"kind"`
	Message  string    `json:"message"`
	Service  string    `json:"service,omitempty"`
	Method   string    `json:"method,omitempty"`
	TaskID   string    `json:"taskId,omitempty"`
	Attempts int       `json:"attempts,omitempty"`
	Workflow string    `json:"workflow,omitempty"`
	ID       string    `json:"id,omitempty"`
	// Type is the registered name of the error's Go type (failure.ErrorType)
	// and Payload the error encoded by that type, for errors of a
	// registered type; a workflow that knows the type decodes them.
	Type    string  `json:"type,omitempty"`
	Payload Payload `json:"payload,omitempty"`
	Cause   *Error  `json:"cause,omitempty"`
}

// Unmarshal decodes a state record: with Sealed set, its history holds
// only what follows the sealed part (see Attach).
func Unmarshal(data []byte) (*State, error) {
	s := &State{}
	if err := json.Unmarshal(data, s); err != nil {
		return nil, err
	}
	s.tail = s.Sealed != nil
	s.storedCommands = s.Steps()
	return s, nil
}

package admin

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/infgen/infgen/runtime/client"
)

// API is what the admin endpoint serves: the operations of a
// *client.Client, which the remote Client implements too, so that a tool
// works the same on either.
type API interface {
	Start(ctx context.Context, p client.StartParams) (string, error)
	SignalWithStart(ctx context.Context, p client.StartParams, channel string, value any) (string, error)
	Signal(ctx context.Context, t client.Target, channel string, value any) (int, error)
	SignalOnce(ctx context.Context, id, channel, key string, value any) error
	SignalWithStartOnce(ctx context.Context, p client.StartParams, channel, key string, value any) (string, error)
	Cancel(ctx context.Context, t client.Target) (int, error)
	Update(ctx context.Context, p client.UpdateParams) (json.RawMessage, error)
	RetryTasks(ctx context.Context, id string) (int, error)
	Restart(ctx context.Context, id string) (int, error)
	Describe(ctx context.Context, id string) (*client.Description, error)
	State(ctx context.Context, id string) (json.RawMessage, error)
	Tasks(ctx context.Context, id string) ([]client.TaskRecord, error)
	Await(ctx context.Context, id string) (*client.Outcome, error)
	ListByTag(ctx context.Context, tag string) ([]string, error)
	ListRunning(ctx context.Context) ([]string, error)
	ListParked(ctx context.Context) ([]string, error)
	List(ctx context.Context, p client.ListParams) (*client.ListPage, error)
	DeadLetters(ctx context.Context) ([]client.DeadLetter, error)
	Redrive(ctx context.Context, id string) error
	DropDeadLetter(ctx context.Context, id string) error
	Workers(ctx context.Context) ([]client.WorkerInfo, error)
	CreateSchedule(ctx context.Context, p client.ScheduleParams) (*client.ScheduleInfo, error)
	ListSchedules(ctx context.Context) ([]client.ScheduleInfo, error)
	DescribeSchedule(ctx context.Context, id string) (*client.ScheduleInfo, error)
	UpdateSchedule(ctx context.Context, id string, u client.ScheduleUpdate) (*client.ScheduleInfo, error)
	PauseSchedule(ctx context.Context, id, note string) error
	ResumeSchedule(ctx context.Context, id string) error
	TriggerSchedule(ctx context.Context, id string) (string, error)
	BackfillSchedule(ctx context.Context, id string, from, to time.Time) ([]string, error)
	DeleteSchedule(ctx context.Context, id string) error
	Close() error
}

var _ API = (*client.Client)(nil)

// startRequest is the body of POST /v1/workflows.
type startRequest struct {
	Workflow          string          `json:"workflow"`
	ID                string          `json:"id,omitempty"`
	Input             json.RawMessage `json:"input,omitempty"`
	Tags              []string        `json:"tags,omitempty"`
	Timeout           string          `json:"timeout,omitempty"`
	RestartIfFinished bool            `json:"restartIfFinished,omitempty"`
	AllowUnregistered bool            `json:"allowUnregistered,omitempty"`
	// Signal makes it a signal-with-start.
	Signal *signalRequest `json:"signal,omitempty"`
}

// signalRequest is the body of POST /v1/signal (and a start's signal).
type signalRequest struct {
	Target  client.Target   `json:"target"`
	Channel string          `json:"channel"`
	Value   json.RawMessage `json:"value,omitempty"`
	// Key delivers the signal at most once per key (client.SignalOnce);
	// the target must then be an id.
	Key string `json:"key,omitempty"`
}

// updateRequest is the body of POST /v1/workflows/{id}/update; the answer
// is the handler's JSON-encoded result.
type updateRequest struct {
	Update   string          `json:"update"`
	Input    json.RawMessage `json:"input,omitempty"`
	UpdateID string          `json:"updateId,omitempty"`
}

// outcome is a finished workflow's outcome on the wire.
type outcome struct {
	ID     string          `json:"id"`
	Status client.Status   `json:"status"`
	Output json.RawMessage `json:"output,omitempty"`
	Error  string          `json:"error,omitempty"`
}

// idResponse, countResponse carry results.
type idResponse struct {
	ID string `json:"id"`
}

type countResponse struct {
	Count int `json:"count"`
}

// runResponse answers a restart: the new run's number.
type runResponse struct {
	Run int `json:"run"`
}

// errorResponse is the body of every error: the message, and a code naming
// the client error it stands for.
type errorResponse struct {
	Error string `json:"error"`
	Code  string `json:"code"`
}

// codes maps error codes to the client's sentinel errors.
var codes = []struct {
	code   string
	err    error
	status int
}{
	{"not_found", client.ErrNotFound, 404},
	{"no_dead_letter", client.ErrNoDeadLetter, 404},
	{"finished", client.ErrFinished, 409},
	{"not_failed", client.ErrNotFailed, 409},
	{"not_finished", client.ErrNotFinished, 409},
	{"unknown_workflow", client.ErrUnknownWorkflow, 422},
	{"update_rejected", client.ErrUpdateRejected, 409},
	{"update_failed", client.ErrUpdateFailed, 422},
	{"update_not_found", client.ErrUpdateNotFound, 404},
	{"schedule_not_found", client.ErrScheduleNotFound, 404},
	{"schedule_exists", client.ErrScheduleExists, 409},
	{"bad_schedule", client.ErrBadSchedule, 422},
}

// codeOf returns the code and HTTP status of err.
func codeOf(err error) (string, int) {
	for _, c := range codes {
		if errors.Is(err, c.err) {
			return c.code, c.status
		}
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return "timeout", 504
	}
	return "internal", 500
}

// remoteError is an error returned by the admin API: its message, matching
// (errors.Is) the client error its code stands for.
type remoteError struct {
	msg  string
	code string
}

func (e *remoteError) Error() string { return e.msg }

func (e *remoteError) Is(target error) bool {
	for _, c := range codes {
		if c.code == e.code && c.err == target {
			return true
		}
	}
	return false
}

// parseDuration reads an optional duration.
func parseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	return time.ParseDuration(s)
}

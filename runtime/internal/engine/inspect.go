package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/infgen/infgen/runtime/failure"
	"github.com/infgen/infgen/runtime/internal/errconv"
	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/internal/message"
	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/transport"
)

// The engine's read API: what package client shows of workflows and dead
// letters. Reads change nothing.

// Status of a workflow.
type Status = history.Status

// Workflow statuses.
const (
	Running   = history.Running
	Completed = history.Completed
	Failed    = history.Failed
	Canceled  = history.Canceled
)

// Description summarizes a workflow.
type Description struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Version int       `json:"version"`
	Status  Status    `json:"status"`
	Tags    []string  `json:"tags,omitempty"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
	// Parked explains why the workflow cannot progress on the deployed code.
	Parked string `json:"parked,omitempty"`
	// PendingTasks, PendingTimers and PendingChildren count waiting work.
	PendingTasks    int `json:"pendingTasks"`
	PendingTimers   int `json:"pendingTimers"`
	PendingChildren int `json:"pendingChildren"`
	// Steps is the number of commands the current run issued.
	Steps int `json:"steps"`
	// Run is 1 for the first run, one more after each ContinueAsNew.
	Run int `json:"run"`
	// TraceID is the W3C trace id of the run: with tracing on, its trace
	// holds the run's span and its steps'.
	TraceID string `json:"traceId,omitempty"`
	// InSteps are the task attempts of the run running inside a step (not
	// counted in PendingTasks: the history records them when the step is
	// saved), as the workers reported them at their last heartbeat, for a
	// second or more.
	InSteps []TaskInStep `json:"inSteps,omitempty"`
}

// Describe returns a summary of a workflow.
func (e *Engine) Describe(ctx context.Context, id string) (*Description, error) {
	st, _, err := e.loadRecord(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	if err != nil {
		return nil, err
	}
	d := &Description{ID: st.ID, Name: st.Name, Version: st.Version, Status: st.Status, Tags: st.Tags,
		Created: st.Created, Updated: st.Updated, PendingTasks: len(st.Tasks), PendingTimers: len(st.Timers),
		PendingChildren: len(st.Children), Steps: st.Steps(), Run: max(st.Run, 1), TraceID: TraceID(st.TraceParent)}
	if st.Parked != nil {
		d.Parked = st.Parked.Reason
	}
	if !st.Status.Terminal() {
		if d.InSteps, err = e.tasksInStepsOf(ctx, st.ID, st.RunID); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// Outcome is a finished workflow's result.
type Outcome struct {
	ID     string
	Status Status
	// Output is the JSON-encoded output of a completed workflow.
	Output json.RawMessage
	// Err is a *failure.WorkflowError for a failed or canceled workflow.
	Err error
}

// Outcome returns a workflow's outcome, or nil while it runs.
func (e *Engine) Outcome(ctx context.Context, id string) (*Outcome, error) {
	st, _, err := e.loadRecord(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	if err != nil || !st.Status.Terminal() {
		return nil, err
	}
	return OutcomeOf(st.ID, st.Name, st.Status, st.Output, st.Error), nil
}

// OutcomeOf returns the outcome of a finished workflow from its status,
// output and error (from its state, or its completion notification).
func OutcomeOf(id, name string, status Status, output []byte, err *history.Error) *Outcome {
	o := &Outcome{ID: id, Status: status, Output: json.RawMessage(output)}
	if status != history.Completed {
		o.Err = &failure.WorkflowError{Workflow: name, ID: id, Cause: errconv.ToError(err)}
	}
	return o
}

// StateJSON returns a workflow's full state, history included (its sealed
// segments too), as JSON.
func (e *Engine) StateJSON(ctx context.Context, id string) (json.RawMessage, error) {
	st, rec, err := loadHead(ctx, e.store, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	if err != nil {
		return nil, err
	}
	if st.Complete() {
		return rec.Data, nil
	}
	if err := attachSegments(ctx, e.store, st); err != nil {
		return nil, err
	}
	return st.MarshalFull()
}

// List returns the ids of the workflows under a storage tag (TagActive,
// TagParked, UserTag(t)), in id order.
func (e *Engine) List(ctx context.Context, tag string) ([]string, error) {
	var all []string
	after := ""
	for {
		ids, err := e.store.ListTag(ctx, &storage.ListTagParams{Tag: tag, After: after, Limit: 1000})
		if err != nil {
			return nil, err
		}
		all = append(all, IDsFromKeys(ids)...)
		if len(ids) < 1000 {
			return all, nil
		}
		after = StateKey(all[len(all)-1])
	}
}

// DeadLetters lists the dead letters.
func (e *Engine) DeadLetters(ctx context.Context) ([]DeadLetter, error) {
	var out []DeadLetter
	after := ""
	for {
		ids, err := e.store.ListTag(ctx, &storage.ListTagParams{Tag: TagDeadLetters, After: after, Limit: 500})
		if err != nil {
			return nil, err
		}
		for _, key := range ids {
			rec, err := e.store.Get(ctx, &storage.GetParams{ID: key})
			if errors.Is(err, storage.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			var dl DeadLetter
			if err := json.Unmarshal(rec.Data, &dl); err != nil {
				return nil, fmt.Errorf("dead letter %s is corrupt: %w", key, err)
			}
			out = append(out, dl)
		}
		if len(ids) < 500 {
			return out, nil
		}
		after = ids[len(ids)-1]
	}
}

// ErrNoDeadLetter is returned for an unknown dead letter id.
var ErrNoDeadLetter = errors.New("dead letter not found")

// Redrive publishes a dead letter again on its topic, then removes it. A
// failed publish changes nothing.
func (e *Engine) Redrive(ctx context.Context, id string) error {
	key := DeadLetterKey(id)
	rec, err := e.store.Get(ctx, &storage.GetParams{ID: key})
	if errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("%w: %s", ErrNoDeadLetter, id)
	}
	if err != nil {
		return fmt.Errorf("redrive %s: %w", id, err)
	}
	var dl DeadLetter
	if err := json.Unmarshal(rec.Data, &dl); err != nil {
		return fmt.Errorf("redrive %s: the dead letter is corrupt: %w", id, err)
	}
	if !dl.Dropped.IsZero() {
		return fmt.Errorf("%w: %s was dropped", ErrNoDeadLetter, id)
	}
	err = e.tr.Publish(ctx, &transport.PublishParams{Topic: dl.Topic, Message: transport.Message{Key: dl.Key, Payload: dl.Payload, Headers: dl.Headers}})
	if err != nil {
		return fmt.Errorf("redrive %s: publish to %s, nothing was changed: %w", id, dl.Topic, err)
	}
	// One write takes it off the list and keeps the record, marked, as a
	// trace of what was re-driven.
	dl.Redriven = e.now()
	data, err := json.Marshal(dl)
	if err != nil {
		return err
	}
	_, err = e.store.Put(ctx, &storage.PutParams{ID: key, Data: data, Version: rec.Version, RemoveTags: []string{TagDeadLetters}})
	if err != nil {
		return fmt.Errorf("redrive %s: the message was published again but the dead letter could not be taken off the list (it may be handled twice): %w", id, err)
	}
	return nil
}

// Notice is a worker's notification about a workflow: it finished, or it
// answered an update.
type Notice struct {
	WorkflowID string
	// Run is the number of the run that finished, and Outcome its outcome,
	// for the completion notices of workers that send them (0 and nil
	// otherwise).
	Run     int
	Outcome *Outcome
}

// WatchCompletions calls fn with each notice workers announce;
// notifications are best effort (a client polls too).
func (e *Engine) WatchCompletions(ctx context.Context, fn func(Notice)) (transport.Subscription, error) {
	return e.tr.Subscribe(ctx, &transport.SubscribeParams{
		Topic: message.CompletedTopic, Subscription: "client-" + NewID(), Mode: transport.Shared, Concurrency: 1, Ephemeral: true,
		Handler: func(_ context.Context, d *transport.Delivery) error {
			env, err := message.Decode(d.Payload)
			if err != nil {
				return nil // not ours to dead-letter: notifications are best effort
			}
			n := Notice{WorkflowID: env.WorkflowID}
			if env.Kind == message.Completed && env.Run > 0 && env.Status.Terminal() {
				n.Run = env.Run
				n.Outcome = OutcomeOf(env.WorkflowID, env.WorkflowName, env.Status, env.Payload, env.Error)
			}
			fn(n)
			return nil
		},
	})
}

// ListQuery selects a page of workflow ids: those under a storage tag (the
// index read), that start with Prefix, come after After, and match Filter;
// at most Limit (1 to 1000) of them.
type ListQuery struct {
	Tag    string
	Prefix string
	After  string
	Limit  int
	Filter ListFilter
}

// ListPage returns one page of workflow ids, in id order, and the cursor of
// the next page ("" when this is the last). Without a filter it reads one
// storage page, however many workflows the tag holds. A filter is not an
// index: each candidate's state is read, at most MaxFilterScan of them, so
// a filtered page may hold fewer than Limit ids (even none) and still have
// a next page.
func (e *Engine) ListPage(ctx context.Context, q ListQuery) ([]string, string, error) {
	limit, prefix := q.Limit, q.Prefix
	if limit <= 0 || limit > storage.DefaultListLimit {
		return nil, "", fmt.Errorf("list page: limit %d: want 1 to %d", limit, storage.DefaultListLimit)
	}
	if err := q.Filter.validate(); err != nil {
		return nil, "", fmt.Errorf("list page: %w", err)
	}
	cursor := StateKey(q.After)
	if q.After < prefix {
		cursor = justBefore(StateKey(prefix))
	}
	if !q.Filter.empty() {
		return e.listFiltered(ctx, q.Tag, prefix, cursor, limit, &q.Filter)
	}
	// One more than the page: whether it is there says if a next page is.
	keys, err := e.store.ListTag(ctx, &storage.ListTagParams{Tag: q.Tag, After: cursor, Limit: limit + 1})
	if err != nil {
		return nil, "", err
	}
	page := make([]string, 0, limit)
	for _, id := range IDsFromKeys(keys) {
		if !strings.HasPrefix(id, prefix) {
			return page, "", nil
		}
		if len(page) == limit {
			return page, page[limit-1], nil
		}
		page = append(page, id)
	}
	return page, "", nil
}

// justBefore is a key below k and above every key below k that a
// workflow id can make, so that ListTag's After (strictly greater) starts
// at k itself: k with its last character one less, then U+10FFFF, the
// greatest character (only keys that continue it, through a noncharacter,
// fall in between). It stays valid UTF-8 for the SQL backends' text
// columns.
func justBefore(k string) string {
	r, size := utf8.DecodeLastRuneInString(k)
	head := k[:len(k)-size]
	switch {
	case r == 0:
		return head
	case r == utf8.RuneError && size <= 1: // not UTF-8: bytes, then
		return head + string([]byte{k[len(k)-1] - 1, 0xff})
	case r == 0xE000: // below it: the surrogates, not characters
		r = 0xD7FF
	default:
		r--
	}
	return head + string(r) + "\U0010FFFF"
}

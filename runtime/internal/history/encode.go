package history

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/infgen/infgen/runtime/internal/jsonwire"
)

// encoded caches the JSON of a state's history, element by element, so
// that saving a long history after each step writes the new elements
// only, the rest being copied. An entry is used only while its element is
// provably the one encoded (same run, and for a batch the same events
// slice and time); anything else is encoded again.
type encoded struct {
	runID string
	// batches[i] is the batch at index bbase+i; commands[i] the command at
	// cbase+i (the sealed ones are dropped).
	batches      []encodedBatch
	commands     []encodedCommand
	bbase, cbase int
	// size is the length of the last encoding, to size the next buffer.
	size int
}

type encodedBatch struct {
	time   time.Time
	first  *Event
	events int
	json   []byte
}

type encodedCommand struct {
	seq  int
	kind CommandKind
	name string
	json []byte
}

// Marshal encodes the state record as json.Marshal encodes the State
// struct: with Sealed set, only the history after the sealed part.
func (s *State) Marshal() ([]byte, error) {
	return s.marshal(true)
}

// MarshalFull encodes the state with its whole history and no Sealed: the
// state of a complete history as if nothing were sealed (what the
// inspection API shows, and what replay tests load).
func (s *State) MarshalFull() ([]byte, error) {
	if s.tail {
		return nil, fmt.Errorf("history: the state of %s holds only the history after its sealed part", s.ID)
	}
	return s.marshal(false)
}

func (s *State) marshal(record bool) ([]byte, error) {
	size := 1024
	if s.enc != nil {
		size += s.enc.size + s.enc.size/8
	}
	b, err := s.appendJSON(make([]byte, 0, size), record)
	if err == nil {
		s.enc.size = len(b)
	}
	return b, err
}

// MarshalSegment encodes the batches and commands of seg (a complete
// state's) as a SegmentRecord.
func (s *State) MarshalSegment(seg Segment) ([]byte, error) {
	if s.tail || seg.FirstBatch+seg.Batches > len(s.Batches) || seg.FirstCommand+seg.Commands > len(s.Commands) {
		return nil, fmt.Errorf("history: segment %+v is not in the state of %s", seg, s.ID)
	}
	s.cache()
	b := append(make([]byte, 0, 1024), `{"batches":`...)
	b, err := s.appendBatches(b, seg.FirstBatch, seg.FirstBatch+seg.Batches)
	if err != nil {
		return nil, err
	}
	b = append(b, `,"commands":`...)
	if b, err = s.appendCommands(b, seg.FirstCommand, seg.FirstCommand+seg.Commands); err != nil {
		return nil, err
	}
	return append(b, '}'), nil
}

// cache returns the state's encoding cache, made anew for a new run.
func (s *State) cache() *encoded {
	if s.enc == nil || s.enc.runID != s.RunID {
		s.enc = &encoded{runID: s.RunID}
	}
	return s.enc
}

// appendJSON appends the state; record leaves the sealed history out and
// writes Sealed, as the state's record holds them.
func (s *State) appendJSON(b []byte, record bool) ([]byte, error) {
	var err error
	b = append(b, `{"id":`...)
	b = jsonwire.AppendString(b, s.ID)
	b = append(b, `,"name":`...)
	b = jsonwire.AppendString(b, s.Name)
	b = append(b, `,"runId":`...)
	b = jsonwire.AppendString(b, s.RunID)
	b = appendIntField(b, `,"run":`, int64(s.Run))
	b = appendIntField(b, `,"version":`, int64(s.Version))
	b = append(b, `,"status":`...)
	b = jsonwire.AppendString(b, string(s.Status))
	if len(s.Tags) > 0 {
		b = append(b, `,"tags":`...)
		b = appendStrings(b, s.Tags)
	}
	if len(s.Input) > 0 {
		b = append(b, `,"input":`...)
		b = AppendPayload(b, s.Input)
	}
	if len(s.Output) > 0 {
		b = append(b, `,"output":`...)
		b = AppendPayload(b, s.Output)
	}
	if s.Error != nil {
		b = append(b, `,"error":`...)
		b = AppendError(b, s.Error)
	}
	if s.Parent != nil {
		b = append(b, `,"parent":`...)
		b = AppendParentRef(b, s.Parent)
	}
	b = appendStringField(b, `,"traceparent":`, s.TraceParent)
	b = appendStringField(b, `,"traceFrom":`, s.TraceFrom)
	if b, err = appendTimeField(b, `,"created":`, s.Created); err != nil {
		return nil, err
	}
	if b, err = appendTimeField(b, `,"updated":`, s.Updated); err != nil {
		return nil, err
	}
	if !s.Deadline.IsZero() {
		if b, err = appendTimeField(b, `,"deadline":`, s.Deadline); err != nil {
			return nil, err
		}
	}
	c := s.cache()
	var fromBatch, fromCommand int
	if record && s.Sealed != nil && !s.tail {
		fromBatch, fromCommand = s.Sealed.Batches, s.Sealed.Commands
		c.drop(fromBatch, fromCommand)
	}
	b = append(b, `,"batches":`...)
	if s.Batches == nil {
		b = append(b, "null"...)
	} else if b, err = s.appendBatches(b, fromBatch, len(s.Batches)); err != nil {
		return nil, err
	}
	b = append(b, `,"commands":`...)
	if s.Commands == nil {
		b = append(b, "null"...)
	} else if b, err = s.appendCommands(b, fromCommand, len(s.Commands)); err != nil {
		return nil, err
	}
	if record && s.Sealed != nil {
		b = append(b, `,"sealed":{"batches":`...)
		b = jsonwire.AppendInt(b, int64(s.Sealed.Batches))
		b = append(b, `,"commands":`...)
		b = jsonwire.AppendInt(b, int64(s.Sealed.Commands))
		b = append(b, `,"segments":`...)
		if s.Sealed.Segments == nil {
			b = append(b, "null"...)
		} else {
			b = append(b, '[')
			for i, seg := range s.Sealed.Segments {
				if i > 0 {
					b = append(b, ',')
				}
				b = append(b, `{"firstBatch":`...)
				b = jsonwire.AppendInt(b, int64(seg.FirstBatch))
				b = append(b, `,"batches":`...)
				b = jsonwire.AppendInt(b, int64(seg.Batches))
				b = append(b, `,"firstCommand":`...)
				b = jsonwire.AppendInt(b, int64(seg.FirstCommand))
				b = append(b, `,"commands":`...)
				b = jsonwire.AppendInt(b, int64(seg.Commands))
				b = append(b, '}')
			}
			b = append(b, ']')
		}
		b = append(b, '}')
	}
	if len(s.Inbox) > 0 {
		b = append(b, `,"inbox":[`...)
		for i := range s.Inbox {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendEvent(b, &s.Inbox[i])
		}
		b = append(b, ']')
	}
	if len(s.Tasks) > 0 {
		b = append(b, `,"tasks":{`...)
		for i, k := range sortedKeys(s.Tasks) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendIntKey(b, k)
			if b, err = appendPendingTask(b, s.Tasks[k]); err != nil {
				return nil, err
			}
		}
		b = append(b, '}')
	}
	if len(s.Timers) > 0 {
		b = append(b, `,"timers":{`...)
		for i, k := range sortedKeys(s.Timers) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendIntKey(b, k)
			if b, err = appendTime(b, s.Timers[k]); err != nil {
				return nil, err
			}
		}
		b = append(b, '}')
	}
	if len(s.Children) > 0 {
		b = append(b, `,"children":{`...)
		for i, k := range sortedKeys(s.Children) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendIntKey(b, k)
			b = jsonwire.AppendString(b, s.Children[k])
		}
		b = append(b, '}')
	}
	if len(s.Updates) > 0 {
		b = append(b, `,"updates":{`...)
		keys := make([]string, 0, len(s.Updates))
		for k := range s.Updates {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonwire.AppendString(b, k)
			b = append(b, ':')
			b = appendUpdate(b, s.Updates[k])
		}
		b = append(b, '}')
	}
	if len(s.SignalKeys) > 0 {
		b = append(b, `,"signalKeys":`...)
		b = appendStrings(b, s.SignalKeys)
	}
	if s.Parked != nil {
		b = append(b, `,"parked":{"reason":`...)
		b = jsonwire.AppendString(b, s.Parked.Reason)
		if b, err = appendTimeField(b, `,"since":`, s.Parked.Since); err != nil {
			return nil, err
		}
		b = append(b, '}')
	}
	b = appendStringField(b, `,"lastTrigger":`, s.LastTrigger)
	if len(s.Outbox) > 0 {
		b = append(b, `,"outbox":[`...)
		for i, m := range s.Outbox {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = appendRaw(b, m); err != nil {
				return nil, err
			}
		}
		b = append(b, ']')
	}
	return append(b, '}'), nil
}

// drop forgets the cached encodings of the sealed history.
func (c *encoded) drop(batches, commands int) {
	if n := batches - c.bbase; n > 0 {
		c.batches = slices.Clone(c.batches[min(n, len(c.batches)):])
		c.bbase = batches
	}
	if n := commands - c.cbase; n > 0 {
		c.commands = slices.Clone(c.commands[min(n, len(c.commands)):])
		c.cbase = commands
	}
}

// appendBatches appends the batches [from, to) as a JSON array, from the
// cache where it holds them; every batch but the state's last (which a
// retry of failed tasks may still change) is cached.
func (s *State) appendBatches(b []byte, from, to int) ([]byte, error) {
	c := s.enc
	b = append(b, '[')
	for i := from; i < to; i++ {
		if i > from {
			b = append(b, ',')
		}
		bt := &s.Batches[i]
		var first *Event
		if len(bt.Events) > 0 {
			first = &bt.Events[0]
		}
		k := i - c.bbase
		if k >= 0 && k < len(c.batches) {
			e := &c.batches[k]
			if e.first == first && e.events == len(bt.Events) && e.time.Equal(bt.Time) && e.time.Location() == bt.Time.Location() {
				b = append(b, e.json...)
				continue
			}
			c.batches = c.batches[:k]
		}
		start := len(b)
		var err error
		if b, err = appendBatch(b, bt); err != nil {
			return nil, err
		}
		if i < len(s.Batches)-1 && k == len(c.batches) {
			c.batches = append(c.batches, encodedBatch{time: bt.Time, first: first, events: len(bt.Events), json: slices.Clone(b[start:])})
		}
	}
	return append(b, ']'), nil
}

// appendCommands appends the commands [from, to) as a JSON array, from the
// cache where it holds them.
func (s *State) appendCommands(b []byte, from, to int) ([]byte, error) {
	c := s.enc
	b = append(b, '[')
	for i := from; i < to; i++ {
		if i > from {
			b = append(b, ',')
		}
		cmd := &s.Commands[i]
		k := i - c.cbase
		if k >= 0 && k < len(c.commands) {
			e := &c.commands[k]
			if e.seq == cmd.Seq && e.kind == cmd.Kind && e.name == cmd.Name {
				b = append(b, e.json...)
				continue
			}
			c.commands = c.commands[:k]
		}
		start := len(b)
		var err error
		if b, err = appendCommand(b, cmd); err != nil {
			return nil, err
		}
		if k == len(c.commands) {
			c.commands = append(c.commands, encodedCommand{seq: cmd.Seq, kind: cmd.Kind, name: cmd.Name, json: slices.Clone(b[start:])})
		}
	}
	return append(b, ']'), nil
}

func appendBatch(b []byte, bt *Batch) ([]byte, error) {
	var err error
	b = append(b, `{"time":`...)
	if b, err = appendTime(b, bt.Time); err != nil {
		return nil, err
	}
	b = append(b, `,"events":`...)
	if bt.Events == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range bt.Events {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendEvent(b, &bt.Events[i])
		}
		b = append(b, ']')
	}
	return append(b, '}'), nil
}

func appendEvent(b []byte, e *Event) []byte {
	b = append(b, `{"kind":`...)
	b = jsonwire.AppendString(b, string(e.Kind))
	b = appendIntField(b, `,"seq":`, int64(e.Seq))
	b = appendStringField(b, `,"channel":`, e.Channel)
	b = appendStringField(b, `,"update":`, e.Update)
	if len(e.Payload) > 0 {
		b = append(b, `,"payload":`...)
		b = AppendPayload(b, e.Payload)
	}
	if e.Error != nil {
		b = append(b, `,"error":`...)
		b = AppendError(b, e.Error)
	}
	b = appendStringField(b, `,"id":`, e.ID)
	return append(b, '}')
}

func appendCommand(b []byte, c *Command) ([]byte, error) {
	b = append(b, `{"seq":`...)
	b = jsonwire.AppendInt(b, int64(c.Seq))
	b = append(b, `,"kind":`...)
	b = jsonwire.AppendString(b, string(c.Kind))
	b = append(b, `,"name":`...)
	b = jsonwire.AppendString(b, c.Name)
	if len(c.Input) > 0 {
		b = append(b, `,"input":`...)
		b = AppendPayload(b, c.Input)
	}
	b = appendStringField(b, `,"codec":`, c.Codec)
	b = appendIntField(b, `,"duration":`, int64(c.Duration))
	b = appendStringField(b, `,"childId":`, c.ChildID)
	b = appendIntField(b, `,"target":`, int64(c.Target))
	if len(c.Meta) > 0 {
		b = append(b, `,"meta":{`...)
		keys := make([]string, 0, len(c.Meta))
		for k := range c.Meta {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonwire.AppendString(b, k)
			b = append(b, ':')
			b = jsonwire.AppendString(b, c.Meta[k])
		}
		b = append(b, '}')
	}
	b = appendIntField(b, `,"timeout":`, int64(c.Timeout))
	if c.Retry != nil {
		p, err := json.Marshal(c.Retry)
		if err != nil {
			return nil, err
		}
		b = append(b, `,"retry":`...)
		b = append(b, p...)
	}
	b = appendStringField(b, `,"idempotencyKey":`, c.IdempotencyKey)
	b = appendStringField(b, `,"dataSchema":`, c.DataSchema)
	if len(c.Tags) > 0 {
		b = append(b, `,"tags":`...)
		b = appendStrings(b, c.Tags)
	}
	if len(c.Result) > 0 {
		b = append(b, `,"result":`...)
		b = AppendPayload(b, c.Result)
	}
	if c.Error != nil {
		b = append(b, `,"error":`...)
		b = AppendError(b, c.Error)
	}
	return append(b, '}'), nil
}

func appendUpdate(b []byte, u *Update) []byte {
	if u == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"name":`...)
	b = jsonwire.AppendString(b, u.Name)
	b = append(b, `,"status":`...)
	b = jsonwire.AppendString(b, string(u.Status))
	if len(u.Output) > 0 {
		b = append(b, `,"output":`...)
		b = AppendPayload(b, u.Output)
	}
	if u.Error != nil {
		b = append(b, `,"error":`...)
		b = AppendError(b, u.Error)
	}
	b = appendIntField(b, `,"run":`, int64(u.Run))
	return append(b, '}')
}

func appendPendingTask(b []byte, t *PendingTask) ([]byte, error) {
	if t == nil {
		return append(b, "null"...), nil
	}
	var err error
	b = append(b, `{"attempt":`...)
	b = jsonwire.AppendInt(b, int64(t.Attempt))
	if !t.RetryAt.IsZero() {
		if b, err = appendTimeField(b, `,"retryAt":`, t.RetryAt); err != nil {
			return nil, err
		}
	}
	b = appendStringField(b, `,"lastError":`, t.LastErr)
	return append(b, '}'), nil
}

func appendStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonwire.AppendString(b, s)
	}
	return append(b, ']')
}

func appendIntField(b []byte, key string, v int64) []byte {
	if v == 0 {
		return b
	}
	b = append(b, key...)
	return jsonwire.AppendInt(b, v)
}

func appendTimeField(b []byte, key string, t time.Time) ([]byte, error) {
	b = append(b, key...)
	return appendTime(b, t)
}

// appendTime appends t as Time.MarshalJSON writes it.
func appendTime(b []byte, t time.Time) ([]byte, error) {
	b = append(b, '"')
	b, err := t.AppendText(b)
	if err != nil {
		return nil, err
	}
	return append(b, '"'), nil
}

// appendIntKey appends an integer map key and its colon.
func appendIntKey(b []byte, k int) []byte {
	b = append(b, '"')
	b = strconv.AppendInt(b, int64(k), 10)
	return append(b, '"', ':')
}

// sortedKeys returns a map's keys in the order encoding/json writes them:
// sorted as strings.
func sortedKeys[V any](m map[int]V) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b int) int {
		as, bs := strconv.Itoa(a), strconv.Itoa(b)
		switch {
		case as < bs:
			return -1
		case as > bs:
			return 1
		}
		return 0
	})
	return keys
}

// appendRaw appends a raw JSON value as json.Marshal writes a
// json.RawMessage.
func appendRaw(b []byte, raw json.RawMessage) ([]byte, error) {
	if len(raw) == 0 {
		return append(b, "null"...), nil
	}
	if jsonwire.Canonical(raw) {
		return append(b, raw...), nil
	}
	out, err := json.Marshal(raw)
	if err != nil {
		return nil, err
	}
	return append(b, out...), nil
}

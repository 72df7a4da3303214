package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/infgen/infgen/runtime/internal/cloudevent"
	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/internal/jsonwire"
	"github.com/infgen/infgen/runtime/internal/message"
	"github.com/infgen/infgen/runtime/transport"
)

// outMsg is a message a step publishes once its state is saved.
type outMsg struct {
	Topic string
	Key   string
	Delay time.Duration
	Env   *message.Envelope
	// Event is set instead of Env for a CloudEvent: the event itself is
	// the message.
	Event *cloudevent.Event
	// raw is Env (or Event) encoded (set by encode, or read back from a stored
	// outbox): what is published.
	raw []byte
}

// storedOutMsg is the JSON form of an outMsg in a saved state.
type storedOutMsg struct {
	Topic string          `json:"topic"`
	Key   string          `json:"key"`
	Delay time.Duration   `json:"delay,omitempty"`
	Env   json.RawMessage `json:"env"`
}

// outbox collects the messages of one step.
type outbox struct {
	msgs []outMsg
}

func (o *outbox) add(topic, key string, delay time.Duration, env *message.Envelope) {
	if env.ID == "" {
		env.ID = NewID()
	}
	o.msgs = append(o.msgs, outMsg{Topic: topic, Key: key, Delay: delay, Env: env})
}

// toSelf queues a message to the workflow's own engine.
func (o *outbox) toSelf(st *history.State, delay time.Duration, env *message.Envelope) {
	env.WorkflowID, env.WorkflowName = st.ID, st.Name
	if env.Kind != message.Timeout && env.Kind != message.Wake {
		env.RunID = st.RunID // the deadline spans runs; timers and retries do not
	}
	o.add(message.WorkflowTopic(st.Name), st.ID, delay, env)
}

// encode encodes each message once, for the state (as storedOutMsg) and
// for publishing.
func (o *outbox) encode() ([]json.RawMessage, error) {
	out := make([]json.RawMessage, 0, len(o.msgs))
	for i := range o.msgs {
		m := &o.msgs[i]
		raw, err := m.encode()
		if err != nil {
			return nil, err
		}
		m.raw = raw
		b := make([]byte, 0, len(raw)+len(m.Topic)+len(m.Key)+48)
		b = append(b, `{"topic":`...)
		b = jsonwire.AppendString(b, m.Topic)
		b = append(b, `,"key":`...)
		b = jsonwire.AppendString(b, m.Key)
		if m.Delay != 0 {
			b = append(b, `,"delay":`...)
			b = jsonwire.AppendInt(b, int64(m.Delay))
		}
		b = append(b, `,"env":`...)
		b = append(b, raw...)
		out = append(out, append(b, '}'))
	}
	return out, nil
}

// encode returns the message's payload: the envelope, or the event.
func (m *outMsg) encode() ([]byte, error) {
	if m.Event != nil {
		raw, err := cloudevent.Encode(m.Event)
		if err != nil {
			return nil, fmt.Errorf("encode %s event: %w", m.Event.Type, err)
		}
		return raw, nil
	}
	raw, err := message.Encode(m.Env)
	if err != nil {
		return nil, fmt.Errorf("encode %s message: %w", m.Env.Kind, err)
	}
	return raw, nil
}

func decodeOutbox(raw []json.RawMessage) (*outbox, error) {
	o := &outbox{}
	for _, r := range raw {
		var m storedOutMsg
		if err := json.Unmarshal(r, &m); err != nil {
			return nil, fmt.Errorf("decode outbox: %w", err)
		}
		o.msgs = append(o.msgs, outMsg{Topic: m.Topic, Key: m.Key, Delay: m.Delay, raw: m.Env})
	}
	return o, nil
}

// publish sends every message of the outbox, with traceparent (the
// workflow run's span: each receiver's span is its child) in its headers.
func (e *Engine) publish(ctx context.Context, o *outbox, traceparent string) error {
	for i := range o.msgs {
		m := &o.msgs[i]
		payload := m.raw
		if payload == nil {
			var err error
			if payload, err = m.encode(); err != nil {
				return err
			}
		}
		headers := map[string]string{}
		if TraceID(traceparent) != "" {
			headers["traceparent"] = traceparent
		}
		err := e.tr.Publish(ctx, &transport.PublishParams{
			Topic:        m.Topic,
			Message:      transport.Message{Key: m.Key, Payload: payload, Headers: headers},
			DeliverAfter: m.Delay,
			Ephemeral:    m.Topic == message.CompletedTopic,
			// Tasks and notifications are read by Shared subscriptions.
			// So are events: a subscriber deduplicates by id, in any order.
			Unordered: m.Topic == message.CompletedTopic || strings.HasPrefix(m.Topic, message.ServiceTopic("")) || m.Event != nil ||
				strings.HasPrefix(m.Topic, cloudevent.Topic("")),
		})
		if err != nil {
			kind := "a"
			switch {
			case m.Env != nil:
				kind = "a " + string(m.Env.Kind)
			case m.Event != nil:
				kind = "a " + m.Event.Type + " event"
			}
			return fmt.Errorf("publish %s message to %s: %w", kind, m.Topic, err)
		}
	}
	return nil
}

// NewID returns a random identifier (128 bits, hex).
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// NewTraceParent returns a W3C traceparent for a new trace.
func NewTraceParent() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return "00-" + hex.EncodeToString(b[:16]) + "-" + hex.EncodeToString(b[16:]) + "-01"
}

// ChildSpan returns a traceparent with the trace id of tp and a new span id,
// or "" if tp is not a valid traceparent.
func ChildSpan(tp string) string {
	if len(tp) != 55 || tp[2] != '-' || tp[35] != '-' || tp[52] != '-' {
		return ""
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	return tp[:36] + hex.EncodeToString(b[:]) + tp[52:]
}

// TraceID returns the trace id of a traceparent, or "".
func TraceID(tp string) string {
	if len(tp) != 55 {
		return ""
	}
	return tp[3:35]
}

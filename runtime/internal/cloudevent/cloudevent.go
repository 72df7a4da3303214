package cloudevent

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// SpecVersion is the CloudEvents version of every event.
const SpecVersion = "1.0"

// JSON is the content type of event data the runtime writes.
const JSON = "application/json"

// Event is a CloudEvents 1.0 event. Its JSON form is the spec's JSON event
// format: the context attributes as members, Data as the "data" member
// (JSON data is embedded as it is, not base64).
type Event struct {
	// ID is unique per Source: for the runtime's events it is derived from
	// the workflow id, the run and the step, so that every publication of
	// one event (a redelivery, a re-published outbox) carries the same id.
	ID string `json:"id"`
	// Source is a URI reference naming what published the event:
	// "/workflows/<workflow name>".
	Source string `json:"source"`
	// SpecVersion is "1.0".
	SpecVersion string `json:"specversion"`
	// Type names what happened, e.g. "payments.charge.completed".
	Type string `json:"type"`
	// Subject is the workflow id.
	Subject string `json:"subject,omitempty"`
	// Time is when the step that published the event was decided.
	Time time.Time `json:"time,omitzero"`
	// DataContentType is the media type of Data ("application/json").
	DataContentType string `json:"datacontenttype,omitempty"`
	// DataSchema is the URI of Data's schema, when known.
	DataSchema string `json:"dataschema,omitempty"`
	// Data is the event's payload when it is JSON.
	Data json.RawMessage `json:"data,omitempty"`
	// DataBase64 is the event's payload when it is binary (a protobuf
	// message): "data_base64" in the JSON format.
	DataBase64 []byte `json:"data_base64,omitempty"`
}

// SetData sets the payload: as Data when it is JSON, else as DataBase64
// with contentType (default "application/octet-stream").
func (ev *Event) SetData(p []byte, contentType string) {
	switch {
	case len(p) == 0:
	case json.Valid(p):
		ev.Data, ev.DataContentType = p, JSON
	default:
		if contentType == "" {
			contentType = "application/octet-stream"
		}
		ev.DataBase64, ev.DataContentType = p, contentType
	}
}

// Topic is the topic events of a type travel on: "events.<type>". One topic
// per type lets a subscriber name only the type it wants.
func Topic(eventType string) string { return "events." + eventType }

// Encode returns the event in the JSON event format.
func Encode(ev *Event) ([]byte, error) {
	if err := ev.Validate(); err != nil {
		return nil, err
	}
	cp := *ev
	if cp.SpecVersion == "" {
		cp.SpecVersion = SpecVersion
	}
	if !cp.Time.IsZero() {
		cp.Time = cp.Time.UTC()
	}
	return json.Marshal(&cp)
}

// Decode reads an event in the JSON event format.
func Decode(b []byte) (*Event, error) {
	var ev Event
	if err := json.Unmarshal(b, &ev); err != nil {
		return nil, fmt.Errorf("decode event: %w", err)
	}
	if ev.SpecVersion != SpecVersion {
		return nil, fmt.Errorf("decode event: specversion %q, want %q", ev.SpecVersion, SpecVersion)
	}
	if err := ev.Validate(); err != nil {
		return nil, err
	}
	return &ev, nil
}

// Validate checks the required attributes and the type's form.
func (ev *Event) Validate() error {
	switch {
	case ev.ID == "":
		return errors.New("event: id is empty")
	case ev.Source == "":
		return errors.New("event: source is empty")
	}
	return ValidType(ev.Type)
}

// ValidType checks an event type: non-empty, without spaces or slashes
// (it names a topic).
func ValidType(t string) error {
	if t == "" {
		return errors.New("event: type is empty")
	}
	if strings.ContainsAny(t, " \t\r\n/") {
		return fmt.Errorf("event: type %q contains a space or a slash", t)
	}
	return nil
}

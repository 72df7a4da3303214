package history

import (
	"encoding/json"

	"github.com/infgen/infgen/runtime/internal/jsonwire"
)

// The Append functions write values as encoding/json writes them, without
// reflection; the Read functions read what they write (see package
// jsonwire: on jsonwire.ErrFallback, decode the record with encoding/json).

// AppendPayload appends p as a field value, as json.Marshal writes it.
func AppendPayload(b []byte, p Payload) []byte {
	if len(p) == 0 {
		return append(b, "null"...)
	}
	if jsonwire.Canonical(p) && !isBinaryWrapper(p) {
		return append(b, p...)
	}
	out, err := json.Marshal(p)
	if err != nil {
		return append(b, "null"...) // not reached: MarshalJSON does not fail
	}
	return append(b, out...)
}

// ReadPayload reads a payload.
func ReadPayload(r *jsonwire.Reader) (Payload, error) {
	raw, err := r.Raw()
	if err != nil {
		return nil, err
	}
	var p Payload
	if err := p.UnmarshalJSON(raw); err != nil {
		return nil, jsonwire.ErrFallback
	}
	return p, nil
}

// AppendError appends e (a pointer field: null when nil).
func AppendError(b []byte, e *Error) []byte {
	if e == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"kind":`...)
	b = jsonwire.AppendString(b, string(e.Kind))
	b = append(b, `,"message":`...)
	b = jsonwire.AppendString(b, e.Message)
	b = appendStringField(b, `,"service":`, e.Service)
	b = appendStringField(b, `,"method":`, e.Method)
	b = appendStringField(b, `,"taskId":`, e.TaskID)
	if e.Attempts != 0 {
		b = append(b, `,"attempts":`...)
		b = jsonwire.AppendInt(b, int64(e.Attempts))
	}
	b = appendStringField(b, `,"workflow":`, e.Workflow)
	b = appendStringField(b, `,"id":`, e.ID)
	b = appendStringField(b, `,"type":`, e.Type)
	if len(e.Payload) > 0 {
		b = append(b, `,"payload":`...)
		b = AppendPayload(b, e.Payload)
	}
	if e.Cause != nil {
		b = append(b, `,"cause":`...)
		b = AppendError(b, e.Cause)
	}
	return append(b, '}')
}

// AppendParentRef appends p (a pointer field: null when nil).
func AppendParentRef(b []byte, p *ParentRef) []byte {
	if p == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"id":`...)
	b = jsonwire.AppendString(b, p.ID)
	b = append(b, `,"name":`...)
	b = jsonwire.AppendString(b, p.Name)
	b = append(b, `,"seq":`...)
	b = jsonwire.AppendInt(b, int64(p.Seq))
	b = appendStringField(b, `,"runId":`, p.RunID)
	return append(b, '}')
}

// appendStringField appends an omitempty string field: key (with its
// leading comma and trailing colon) and value, when the value is not empty.
func appendStringField(b []byte, key, v string) []byte {
	if v == "" {
		return b
	}
	b = append(b, key...)
	return jsonwire.AppendString(b, v)
}

package message

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/internal/jsonwire"
)

// appendEnvelope appends e as json.Marshal writes it.
func appendEnvelope(b []byte, e *Envelope) ([]byte, error) {
	b = append(b, `{"kind":`...)
	b = jsonwire.AppendString(b, string(e.Kind))
	b = append(b, `,"id":`...)
	b = jsonwire.AppendString(b, e.ID)
	b = append(b, `,"workflowId":`...)
	b = jsonwire.AppendString(b, e.WorkflowID)
	b = append(b, `,"workflowName":`...)
	b = jsonwire.AppendString(b, e.WorkflowName)
	b = appendInt(b, `,"seq":`, int64(e.Seq))
	b = appendString(b, `,"runId":`, e.RunID)
	b = appendString(b, `,"taskId":`, e.TaskID)
	b = appendString(b, `,"service":`, e.Service)
	b = appendString(b, `,"method":`, e.Method)
	b = appendInt(b, `,"attempt":`, int64(e.Attempt))
	b = appendString(b, `,"codec":`, e.Codec)
	if len(e.Payload) > 0 {
		b = append(b, `,"payload":`...)
		b = history.AppendPayload(b, e.Payload)
	}
	if len(e.Meta) > 0 {
		b = append(b, `,"meta":{`...)
		keys := make([]string, 0, len(e.Meta))
		for k := range e.Meta {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonwire.AppendString(b, k)
			b = append(b, ':')
			b = jsonwire.AppendString(b, e.Meta[k])
		}
		b = append(b, '}')
	}
	if len(e.Tags) > 0 {
		b = append(b, `,"tags":[`...)
		for i, t := range e.Tags {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonwire.AppendString(b, t)
		}
		b = append(b, ']')
	}
	b = appendInt(b, `,"timeout":`, int64(e.Timeout))
	if e.Retry != nil {
		p, err := json.Marshal(e.Retry)
		if err != nil {
			return nil, err
		}
		b = append(b, `,"retry":`...)
		b = append(b, p...)
	}
	b = appendString(b, `,"idempotencyKey":`, e.IdempotencyKey)
	if e.Error != nil {
		b = append(b, `,"error":`...)
		b = history.AppendError(b, e.Error)
	}
	b = appendInt(b, `,"retryAfter":`, int64(e.RetryAfter))
	if e.Parent != nil {
		b = append(b, `,"parent":`...)
		b = history.AppendParentRef(b, e.Parent)
	}
	b = appendString(b, `,"status":`, string(e.Status))
	b = appendString(b, `,"updateId":`, e.UpdateID)
	b = appendInt(b, `,"run":`, int64(e.Run))
	if len(e.State) > 0 {
		b = append(b, `,"state":`...)
		if jsonwire.Canonical(e.State) {
			b = append(b, e.State...)
		} else {
			raw, err := json.Marshal(e.State)
			if err != nil {
				return nil, err
			}
			b = append(b, raw...)
		}
	}
	b = appendInt(b, `,"version":`, e.Version)
	return append(b, '}'), nil
}

func appendString(b []byte, key, v string) []byte {
	if v == "" {
		return b
	}
	b = append(b, key...)
	return jsonwire.AppendString(b, v)
}

func appendInt(b []byte, key string, v int64) []byte {
	if v == 0 {
		return b
	}
	b = append(b, key...)
	return jsonwire.AppendInt(b, v)
}

// readEnvelope reads what appendEnvelope writes; jsonwire.ErrFallback
// asks for encoding/json.
func readEnvelope(data []byte, e *Envelope) error {
	r := jsonwire.NewReader(data)
	str := func(dst *string) error {
		s, err := r.String()
		*dst = s
		return err
	}
	integer := func(dst *int) error {
		v, err := r.Int()
		*dst = int(v)
		return err
	}
	duration := func(dst *time.Duration) error {
		v, err := r.Int()
		*dst = time.Duration(v)
		return err
	}
	nested := func(dst any) error {
		raw, err := r.Raw()
		if err != nil {
			return err
		}
		if json.Unmarshal(raw, dst) != nil {
			return jsonwire.ErrFallback
		}
		return nil
	}
	err := r.Object(func(key []byte) error {
		switch string(key) {
		case "kind":
			s, err := r.String()
			e.Kind = Kind(s)
			return err
		case "id":
			return str(&e.ID)
		case "workflowId":
			return str(&e.WorkflowID)
		case "workflowName":
			return str(&e.WorkflowName)
		case "seq":
			return integer(&e.Seq)
		case "runId":
			return str(&e.RunID)
		case "taskId":
			return str(&e.TaskID)
		case "service":
			return str(&e.Service)
		case "method":
			return str(&e.Method)
		case "attempt":
			return integer(&e.Attempt)
		case "codec":
			return str(&e.Codec)
		case "payload":
			p, err := history.ReadPayload(r)
			e.Payload = p
			return err
		case "meta":
			return nested(&e.Meta)
		case "tags":
			return nested(&e.Tags)
		case "timeout":
			return duration(&e.Timeout)
		case "retry":
			return nested(&e.Retry)
		case "idempotencyKey":
			return str(&e.IdempotencyKey)
		case "error":
			return nested(&e.Error)
		case "retryAfter":
			return duration(&e.RetryAfter)
		case "parent":
			return nested(&e.Parent)
		case "status":
			s, err := r.String()
			e.Status = history.Status(s)
			return err
		case "updateId":
			return str(&e.UpdateID)
		case "run":
			return integer(&e.Run)
		case "state":
			raw, err := r.Raw()
			if err != nil {
				return err
			}
			e.State = append(json.RawMessage(nil), raw...)
			return nil
		case "version":
			v, err := r.Int()
			e.Version = v
			return err
		}
		return jsonwire.ErrFallback
	})
	if err != nil {
		return err
	}
	return r.End()
}

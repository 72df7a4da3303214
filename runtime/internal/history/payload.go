package history

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
)

// Payload is an encoded value (task input or output, signal, workflow
// input or output). In JSON it appears as itself when it is JSON, so that
// states and messages stay readable, and as {"$binary": "<base64>"}
// otherwise (protobuf payloads).
type Payload []byte

type binaryPayload struct {
	Binary []byte `json:"$binary"`
}

// MarshalJSON embeds JSON payloads and wraps binary ones.
func (p Payload) MarshalJSON() ([]byte, error) {
	if len(p) == 0 {
		return []byte("null"), nil
	}
	if json.Valid(p) && !isBinaryWrapper(p) {
		var buf bytes.Buffer
		if err := json.Compact(&buf, p); err == nil {
			return buf.Bytes(), nil
		}
	}
	return json.Marshal(binaryPayload{Binary: p})
}

// UnmarshalJSON reverses MarshalJSON.
func (p *Payload) UnmarshalJSON(data []byte) error {
	if bytes.Equal(data, []byte("null")) {
		*p = nil
		return nil
	}
	if isBinaryWrapper(data) {
		var b binaryPayload
		if err := json.Unmarshal(data, &b); err != nil {
			return err
		}
		*p = b.Binary
		return nil
	}
	*p = bytes.Clone(data)
	return nil
}

// isBinaryWrapper reports whether data is an object whose only key is $binary.
func isBinaryWrapper(data []byte) bool {
	t := bytes.TrimSpace(data)
	if len(t) == 0 || t[0] != '{' || !bytes.Contains(t, []byte(`"$binary"`)) {
		return false
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(t, &m) != nil || len(m) != 1 {
		return false
	}
	raw, ok := m["$binary"]
	if !ok {
		return false
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return false
	}
	_, err := base64.StdEncoding.DecodeString(s)
	return err == nil
}

package message

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/internal/history"
)

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	in := &Envelope{Kind: TaskResult, ID: "m", WorkflowID: "w", WorkflowName: "flow", Seq: 3, Attempt: 2,
		Payload: history.Payload(`{"sum":3}`), Error: &history.Error{Kind: "service", Message: "x"}}
	b, err := Encode(in)
	require.NoError(t, err)
	out, err := Decode(b)
	require.NoError(t, err)
	require.Equal(t, in.Seq, out.Seq)
	require.JSONEq(t, string(in.Payload), string(out.Payload))
	require.Equal(t, in.Error, out.Error)
}

func TestDecodeRejectsGarbage(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "{", "null", `{"kind":""}`, `{"kind":"wake"}`, `[1]`} {
		_, err := Decode([]byte(s))
		require.Error(t, err, "%q", s)
	}
}

// FuzzDecode checks that no input makes Decode panic, and that what it
// accepts encodes again.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"kind":"taskResult","workflowId":"w","payload":{"a":1}}`))
	f.Add([]byte(`{"kind":"start","workflowId":"w","payload":{"$binary":"AAE="}}`))
	f.Add([]byte(`{"kind":"completed"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := Decode(data)
		if err != nil {
			return
		}
		if _, err := Encode(e); err != nil {
			t.Fatalf("decoded %q but cannot encode it: %v", data, err)
		}
	})
}

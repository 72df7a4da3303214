package history

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPayloadRoundTrip(t *testing.T) {
	t.Parallel()
	cases := []Payload{
		nil,
		Payload(`{"a": 1}`),
		Payload(`"text"`),
		Payload("\x08\x96\x01binary\x00"),
		Payload(`{"$binary":"aGk="}`), // JSON that looks like the wrapper stays JSON
	}
	for _, p := range cases {
		b, err := json.Marshal(struct{ P Payload }{p})
		require.NoError(t, err)
		var out struct{ P Payload }
		require.NoError(t, json.Unmarshal(b, &out))
		if len(p) > 0 && json.Valid(p) {
			require.JSONEq(t, string(p), string(out.P), "json %s", b)
		} else {
			require.Equal(t, p, out.P, "binary %s", b)
		}
	}
	b, _ := json.Marshal(Payload(`{"a": 1}`))
	require.Equal(t, `{"a":1}`, string(b), "JSON payloads are embedded, not base64")
}

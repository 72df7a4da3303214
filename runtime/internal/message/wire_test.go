package message

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/retry"
)

// randomEnvelope fills some fields of an envelope with awkward values.
func randomEnvelope(r *rand.Rand) *Envelope {
	strs := []string{"", "a", "wf-1", "ünï", "<&>", "tab\there", `quo"te`, "\u2028", "\x01", "bad\xffutf8"}
	s := func() string { return strs[r.IntN(len(strs))] }
	payloads := []history.Payload{nil, history.Payload(`{"n":1}`), history.Payload(`{ "a" : [1, 2] }`), history.Payload(`"<b>"`),
		history.Payload("\x08\x96\x01bin"), history.Payload(`{"$binary":"aGk="}`), history.Payload(`[]`), history.Payload(`1.5e3`)}
	e := &Envelope{Kind: Kind(s()), ID: s(), WorkflowID: s(), WorkflowName: s(), Seq: r.IntN(3) * 1000, RunID: s(),
		TaskID: s(), Service: s(), Method: s(), Attempt: r.IntN(3), Codec: s(), Payload: payloads[r.IntN(len(payloads))],
		Timeout: time.Duration(r.IntN(3)) * time.Second, IdempotencyKey: s(), RetryAfter: time.Duration(r.IntN(2)) * time.Millisecond,
		Status: history.Status(s())}
	if r.IntN(3) == 0 {
		e.Meta = map[string]string{s(): s(), s(): s()}
	}
	if r.IntN(3) == 0 {
		e.Tags = []string{s(), s()}
	}
	if r.IntN(4) == 0 {
		e.Retry = &retry.Policy{MaxAttempts: 3, Multiplier: 1.5, Jitter: 0.2}
	}
	if r.IntN(3) == 0 {
		e.Error = &history.Error{Kind: history.ErrorKind(s()), Message: s(), Attempts: r.IntN(3), Type: s(), Payload: payloads[r.IntN(len(payloads))],
			Cause: &history.Error{Kind: "task", Message: s()}}
	}
	if r.IntN(4) == 0 {
		e.Parent = &history.ParentRef{ID: s(), Name: s(), Seq: r.IntN(5), RunID: s()}
	}
	return e
}

// TestEncodeIsJSONMarshal checks that Encode writes what json.Marshal
// writes, and that Decode reads it back as json.Unmarshal does.
func TestEncodeIsJSONMarshal(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 5000 {
		e := randomEnvelope(r)
		want, err := json.Marshal(e)
		require.NoError(t, err)
		got, err := Encode(e)
		require.NoError(t, err)
		require.Equal(t, string(want), string(got), "envelope %d", i)

		var viaJSON Envelope
		require.NoError(t, json.Unmarshal(got, &viaJSON))
		var fast Envelope
		if readEnvelope(got, &fast) == nil {
			require.Equal(t, viaJSON, fast, "envelope %d: %s", i, got)
		}
	}
}

// TestPlainEnvelopesTakeTheFastPath checks that the messages the engine
// sends most decode without encoding/json.
func TestPlainEnvelopesTakeTheFastPath(t *testing.T) {
	t.Parallel()
	for _, e := range []*Envelope{
		{Kind: ExecuteTask, ID: "m1", WorkflowID: "w", WorkflowName: "flow", Seq: 2, RunID: "r", TaskID: "r-2", Service: "s",
			Method: "M", Attempt: 1, Codec: "json", Payload: history.Payload(`{"n":2}`), Tags: []string{"t"}, Timeout: time.Second},
		{Kind: TaskResult, ID: "m2", WorkflowID: "w", WorkflowName: "flow", Seq: 2, RunID: "r", Attempt: 1, Payload: history.Payload(`{"n":3}`)},
		{Kind: Completed, ID: "m3", WorkflowID: "w", WorkflowName: "flow", RunID: "r", Status: history.Completed, Payload: history.Payload(`3`)},
		{Kind: Wake, ID: "m4", WorkflowID: "w", WorkflowName: "flow"},
	} {
		b, err := Encode(e)
		require.NoError(t, err)
		var got Envelope
		require.NoError(t, readEnvelope(b, &got), "%s", b)
		require.Equal(t, *e, got)
	}
}

// FuzzFastDecode checks that whatever the fast path accepts, encoding/json
// accepts too and decodes alike.
func FuzzFastDecode(f *testing.F) {
	f.Add([]byte(`{"kind":"taskResult","id":"x","workflowId":"w","workflowName":"f","seq":3,"payload":{"a":[1,"<"]}}`))
	f.Add([]byte(`{"kind":"start","workflowId":"w","payload":{"$binary":"AAE="},"parent":{"id":"p","seq":1}}`))
	f.Add([]byte(`{"kind":"completed","status":"failed","error":{"kind":"task","message":"m","cause":{"kind":"x","message":"y"}}}`))
	f.Add([]byte(`{"kind":"a","seq":-0,"timeout":01}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var fast Envelope
		if readEnvelope(data, &fast) != nil {
			return
		}
		var slow Envelope
		if err := json.Unmarshal(data, &slow); err != nil {
			t.Fatalf("fast path accepted %q, encoding/json did not: %v", data, err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("%q: fast %+v, encoding/json %+v", data, fast, slow)
		}
	})
}

// TestEncodeWritesEveryField guards the hand-written encoder and decoder
// against fields added to the envelope: with every field set, Encode must
// write what json.Marshal writes, and Decode read it back whole.
func TestEncodeWritesEveryField(t *testing.T) {
	t.Parallel()
	e := &Envelope{}
	v := reflect.ValueOf(e).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString("x" + v.Type().Field(i).Name)
		case reflect.Int, reflect.Int64:
			f.SetInt(7)
		}
	}
	e.Payload = history.Payload(`{"a":1}`)
	e.Meta = map[string]string{"k": "v"}
	e.Tags = []string{"t"}
	e.Retry = &retry.Policy{MaxAttempts: 2}
	e.Error = &history.Error{Kind: "task", Message: "m"}
	e.Parent = &history.ParentRef{ID: "p"}
	e.State = json.RawMessage(`{"id":"w"}`)
	for i := range v.NumField() {
		require.False(t, v.Field(i).IsZero(), "set field %s in this test", v.Type().Field(i).Name)
	}
	want, err := json.Marshal(e)
	require.NoError(t, err)
	got, err := Encode(e)
	require.NoError(t, err)
	require.Equal(t, string(want), string(got))
	var back Envelope
	require.NoError(t, readEnvelope(got, &back), "the fast path reads every field")
	require.Equal(t, *e, back)
}

package engine

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/internal/message"
)

// TestOutboxIsEncodedOnce checks the stored form of an outbox (the JSON of
// {topic, key, delay, env}, as earlier releases wrote it) and that a
// stored outbox publishes the very bytes the step published.
func TestOutboxIsEncodedOnce(t *testing.T) {
	t.Parallel()
	o := &outbox{}
	o.add("service.s", "w<1>", 0, &message.Envelope{Kind: message.ExecuteTask, WorkflowID: "w<1>", Payload: history.Payload(`{"a": 1}`)})
	o.add("workflow.f", "w<1>", 3*time.Second, &message.Envelope{Kind: message.Timer, WorkflowID: "w<1>", Seq: 2})
	stored, err := o.encode()
	require.NoError(t, err)
	for i, m := range o.msgs {
		want, err := json.Marshal(struct {
			Topic string            `json:"topic"`
			Key   string            `json:"key"`
			Delay time.Duration     `json:"delay,omitempty"`
			Env   *message.Envelope `json:"env"`
		}{m.Topic, m.Key, m.Delay, m.Env})
		require.NoError(t, err)
		require.Equal(t, string(want), string(stored[i]))
	}
	back, err := decodeOutbox(stored)
	require.NoError(t, err)
	require.Len(t, back.msgs, 2)
	for i, m := range back.msgs {
		require.Equal(t, o.msgs[i].Topic, m.Topic)
		require.Equal(t, o.msgs[i].Key, m.Key)
		require.Equal(t, o.msgs[i].Delay, m.Delay)
		require.Equal(t, string(o.msgs[i].raw), string(m.raw))
	}
}

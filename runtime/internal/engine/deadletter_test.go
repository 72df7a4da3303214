package engine

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/internal/message"
	"github.com/infgen/infgen/runtime/storage"
	memstore "github.com/infgen/infgen/runtime/storage/memory"
	"github.com/infgen/infgen/runtime/transport"
	"github.com/infgen/infgen/runtime/transport/memory"
)

func TestMessageFailingTooOftenIsSetAside(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := memstore.New()
	e := New(Options{Transport: memory.New(), Storage: store, MaxRedeliveries: 3})
	payload, err := message.Encode(&message.Envelope{Kind: message.Wake, ID: "m1", WorkflowID: "w1", WorkflowName: "flow"})
	require.NoError(t, err)
	d := &transport.Delivery{Topic: "workflow.flow", Message: transport.Message{Key: "w1", Payload: payload}, Redeliveries: 3}
	require.NoError(t, e.HandleWorkflow(ctx, d), "a dead letter is acknowledged")
	require.NoError(t, e.HandleTask(ctx, &transport.Delivery{Topic: "service.x", Message: transport.Message{Payload: payload}}))

	keys, err := store.ListTag(ctx, &storage.ListTagParams{Tag: TagDeadLetters})
	require.NoError(t, err)
	require.Len(t, keys, 2)
	reasons := map[string]bool{}
	for _, k := range keys {
		rec, err := store.Get(ctx, &storage.GetParams{ID: k})
		require.NoError(t, err)
		var dl DeadLetter
		require.NoError(t, json.Unmarshal(rec.Data, &dl))
		reasons[dl.Reason] = true
		require.Equal(t, payload, dl.Payload)
	}
	require.True(t, reasons["handling failed 3 times"], "%v", reasons)
	require.True(t, reasons["unexpected wake message on a service topic"], "%v", reasons)
}

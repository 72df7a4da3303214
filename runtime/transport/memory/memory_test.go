package memory_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/transport"
	"github.com/infgen/infgen/runtime/transport/memory"
	"github.com/infgen/infgen/runtime/transport/transporttest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	transporttest.Run(t, func(t *testing.T) transport.Transport { return memory.New() })
}

func TestEphemeralSubscriptionLeavesNothingBehind(t *testing.T) {
	t.Parallel()
	tr := memory.New()
	defer tr.Close()
	ctx := context.Background()
	got := make(chan string, 10)
	sub, err := tr.Subscribe(ctx, &transport.SubscribeParams{Topic: "n", Subscription: "client-1", Ephemeral: true,
		Handler: func(_ context.Context, d *transport.Delivery) error { got <- string(d.Payload); return nil }})
	require.NoError(t, err)
	require.NoError(t, tr.Publish(ctx, &transport.PublishParams{Topic: "n", Message: transport.Message{Payload: []byte("a")}, Ephemeral: true}))
	require.Equal(t, "a", <-got)
	require.NoError(t, sub.Close())
	require.Zero(t, tr.Subscriptions("n"), "a closed ephemeral subscription is forgotten")
	require.NoError(t, tr.Publish(ctx, &transport.PublishParams{Topic: "n", Message: transport.Message{Payload: []byte("b")}, Ephemeral: true}))
	require.Zero(t, tr.Backlog("n"), "ephemeral messages without subscribers are dropped")
}

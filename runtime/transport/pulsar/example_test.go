package pulsar_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/infgen/infgen/runtime/transport"
	"github.com/infgen/infgen/runtime/transport/pulsar"
)

// Example connects with the INFGEN_PULSAR_* environment variables, subscribes
// a KeyShared handler and publishes a message now and one after a delay (the
// delayed one travels through the Shared delay topic).
func Example() {
	ctx := context.Background()
	cfg, err := pulsar.ConfigFromEnv()
	if err != nil {
		log.Fatal(err) // INFGEN_PULSAR_URL is not set
	}
	cfg.TopicPrefix = "example."
	tr, err := pulsar.New(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer tr.Close()

	sub, err := tr.Subscribe(ctx, &transport.SubscribeParams{
		Topic: "workflow.billing", Subscription: "engines", Mode: transport.KeyShared, Concurrency: 16,
		Handler: func(ctx context.Context, d *transport.Delivery) error {
			fmt.Printf("%s: %s (redelivered %d times)\n", d.Key, d.Payload, d.Redeliveries)
			return nil // acknowledge; an error would redeliver after NackDelay
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer sub.Close()

	msg := transport.Message{Key: "wf-42", Payload: []byte("wake up")}
	if err := tr.Publish(ctx, &transport.PublishParams{Topic: "workflow.billing", Message: msg}); err != nil {
		log.Fatal(err)
	}
	if err := tr.Publish(ctx, &transport.PublishParams{Topic: "workflow.billing", Message: msg, DeliverAfter: time.Second}); err != nil {
		log.Fatal(err)
	}
}

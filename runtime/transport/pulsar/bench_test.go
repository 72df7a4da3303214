package pulsar

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/infgen/infgen/runtime/transport"
)

// benchTransport connects to the test broker for a benchmark.
func benchTransport(b *testing.B) *Transport {
	b.Helper()
	cfg, err := ConfigFromEnv()
	if err != nil {
		b.Skipf("%v", err)
	}
	if cfg.Namespace == "" {
		cfg.Namespace = "tests"
	}
	tr, err := New(context.Background(), cfg)
	if err != nil {
		b.Fatalf("connect to %s: %v", cfg.URL, err)
	}
	b.Cleanup(func() { _ = tr.Close() })
	return tr
}

// BenchmarkHop measures one hop as the engine sees it: Publish returns once
// the broker has the message, and the KeyShared subscriber's handler runs.
// Messages go one at a time, so ns/op is the hop latency.
func BenchmarkHop(b *testing.B) {
	tr := benchTransport(b)
	topic := fmt.Sprintf("bench-hop-%x", rand.Uint64())
	got := make(chan struct{}, 1)
	sub, err := tr.Subscribe(context.Background(), &transport.SubscribeParams{
		Topic: topic, Subscription: "engines", Mode: transport.KeyShared, Concurrency: 4,
		Handler: func(context.Context, *transport.Delivery) error { got <- struct{}{}; return nil },
	})
	if err != nil {
		b.Fatal(err)
	}
	defer sub.Close()
	payload := make([]byte, 512)
	b.ResetTimer()
	for i := range b.N {
		err := tr.Publish(context.Background(), &transport.PublishParams{
			Topic: topic, Message: transport.Message{Key: fmt.Sprint(i % 16), Payload: payload},
		})
		if err != nil {
			b.Fatal(err)
		}
		select {
		case <-got:
		case <-time.After(30 * time.Second):
			b.Fatal("message not delivered")
		}
	}
}

// BenchmarkThroughput publishes from parallel goroutines to a KeyShared
// subscriber with Concurrency 64 and waits for every delivery; msgs/s is the
// transport's throughput on this broker.
func BenchmarkThroughput(b *testing.B) {
	tr := benchTransport(b)
	topic := fmt.Sprintf("bench-tp-%x", rand.Uint64())
	got := make(chan struct{}, 1024)
	sub, err := tr.Subscribe(context.Background(), &transport.SubscribeParams{
		Topic: topic, Subscription: "engines", Mode: transport.KeyShared, Concurrency: 64,
		Handler: func(context.Context, *transport.Delivery) error { got <- struct{}{}; return nil },
	})
	if err != nil {
		b.Fatal(err)
	}
	defer sub.Close()
	payload := make([]byte, 512)
	start := time.Now()
	b.ResetTimer()
	b.SetParallelism(16)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			err := tr.Publish(context.Background(), &transport.PublishParams{
				Topic: topic, Message: transport.Message{Key: fmt.Sprint(rand.IntN(1000)), Payload: payload},
			})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	for range b.N {
		select {
		case <-got:
		case <-time.After(30 * time.Second):
			b.Fatal("messages not delivered")
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
}

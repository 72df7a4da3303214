package pulsar

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/transport"
	"github.com/infgen/infgen/runtime/transport/transporttest"
)

// brokerConfig returns the configuration of the test broker, or skips the
// test when INFGEN_PULSAR_URL is not set.
func brokerConfig(t *testing.T) Config {
	t.Helper()
	if os.Getenv(EnvURL) == "" {
		t.Skipf("%s is not set: start a broker with scripts/pulsar.sh start and eval $(scripts/pulsar.sh env)", EnvURL)
	}
	cfg, err := ConfigFromEnv()
	require.NoError(t, err)
	if cfg.Namespace == "" {
		cfg.Namespace = "tests"
	}
	cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return cfg
}

// newBrokerTransport connects to the test broker and closes the transport
// when the test ends; adjust, when given, changes the configuration first.
func newBrokerTransport(t *testing.T, adjust ...func(*Config)) *Transport {
	t.Helper()
	cfg := brokerConfig(t)
	for _, f := range adjust {
		f(&cfg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tr, err := New(ctx, cfg)
	require.NoError(t, err, "connect to the broker at %s (admin %s)", cfg.URL, cfg.AdminURL)
	t.Cleanup(func() { _ = tr.Close() })
	return tr
}

func TestConformance(t *testing.T) {
	t.Parallel()
	brokerConfig(t)
	transporttest.Run(t, func(t *testing.T) transport.Transport { return newBrokerTransport(t) })
}

// TestConformancePartitioned runs the suite on partitioned topics (the delay
// topic included), in a namespace of its own.
func TestConformancePartitioned(t *testing.T) {
	t.Parallel()
	brokerConfig(t)
	transporttest.Run(t, func(t *testing.T) transport.Transport {
		return newBrokerTransport(t, func(c *Config) {
			c.Namespace += "-partitioned"
			c.Partitions = 3
		})
	})
}

// TestTimersFireOnTime publishes timers with random delays, in random order,
// on a KeyShared topic (through the delay topic) and checks that every one
// fires after its due time, the median within one second of it, and none
// more than lateBound after it (a lost or stuck delay, not scheduling noise
// on a loaded test machine). bench measures lateness under load.
func TestTimersFireOnTime(t *testing.T) {
	timingAlone(t)
	tr := newBrokerTransport(t)
	topic := fmt.Sprintf("timers-%x", rand.Uint64())
	type fired struct {
		key string
		at  time.Time
	}
	got := make(chan fired, 100)
	sub, err := tr.Subscribe(t.Context(), &transport.SubscribeParams{
		Topic: topic, Subscription: "engine", Mode: transport.KeyShared, Concurrency: 4,
		Handler: func(_ context.Context, d *transport.Delivery) error {
			got <- fired{d.Key, time.Now()}
			return nil
		},
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = sub.Close() })

	const n = 40
	due := make(map[string]time.Time, n)
	for i := range n {
		key := fmt.Sprintf("wf-%d", i)
		delay := 500*time.Millisecond + rand.N(3*time.Second)
		due[key] = time.Now().Add(delay)
		require.NoError(t, tr.Publish(t.Context(), &transport.PublishParams{
			Topic: topic, Message: transport.Message{Key: key, Payload: []byte(key)}, DeliverAfter: delay,
		}))
	}
	var late []time.Duration
	for range n {
		select {
		case f := <-got:
			lateness := f.at.Sub(due[f.key])
			require.GreaterOrEqual(t, lateness, time.Duration(0), "timer %s fired %s early", f.key, -lateness)
			require.LessOrEqual(t, lateness, lateBound, "timer %s fired %s late", f.key, lateness)
			late = append(late, lateness)
		case <-time.After(30 * time.Second):
			require.FailNow(t, "timers missing", "%d of %d fired", len(late), n)
		}
	}
	slices.Sort(late)
	t.Logf("timer lateness over %d timers: p50 %s, max %s", n, late[n/2], late[n-1])
	require.LessOrEqual(t, late[n/2], time.Second, "median timer lateness")
}

// lateBound is how late a timer may fire in the tests before it counts as
// lost: far above the broker's 100 ms delivery tick, far below a redelivery.
const lateBound = 5 * time.Second

// TestKeyOrderAcrossProcesses runs two transports (two worker processes) on
// one Key_Shared subscription, Concurrency 8 each, and checks that each
// key's messages are handled one at a time and in publish order.
func TestKeyOrderAcrossProcesses(t *testing.T) {
	t.Parallel()
	publisher := newBrokerTransport(t)
	topic := fmt.Sprintf("order-%x", rand.Uint64())
	var (
		mu       sync.Mutex
		busy     = map[string]bool{}
		next     = map[string]int{}
		problems []string
		perProc  [2]int
	)
	const keys, perKey = 50, 20
	done := make(chan struct{})
	total := 0
	for proc := range 2 {
		tr := newBrokerTransport(t)
		sub, err := tr.Subscribe(t.Context(), &transport.SubscribeParams{
			Topic: topic, Subscription: "engine", Mode: transport.KeyShared, Concurrency: 8,
			Handler: func(_ context.Context, d *transport.Delivery) error {
				var seq int
				_, _ = fmt.Sscanf(string(d.Payload), "%d", &seq)
				mu.Lock()
				if busy[d.Key] {
					problems = append(problems, fmt.Sprintf("%s/%d overlaps another message of its key", d.Key, seq))
				}
				if seq != next[d.Key] {
					problems = append(problems, fmt.Sprintf("%s: got %d, want %d", d.Key, seq, next[d.Key]))
				}
				busy[d.Key], next[d.Key] = true, seq+1
				mu.Unlock()
				time.Sleep(time.Millisecond)
				mu.Lock()
				busy[d.Key] = false
				perProc[proc]++
				total++
				if total == keys*perKey {
					close(done)
				}
				mu.Unlock()
				return nil
			},
		})
		require.NoError(t, err)
		t.Cleanup(func() { _ = sub.Close() })
	}
	var wg sync.WaitGroup
	for k := range keys {
		wg.Go(func() {
			for seq := range perKey {
				err := publisher.Publish(context.Background(), &transport.PublishParams{
					Topic: topic, Message: transport.Message{Key: fmt.Sprintf("wf-%d", k), Payload: fmt.Appendf(nil, "%d", seq)},
				})
				if err != nil {
					t.Errorf("publish wf-%d/%d: %v", k, seq, err)
					return
				}
			}
		})
	}
	wg.Wait()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		mu.Lock()
		defer mu.Unlock()
		require.FailNow(t, "messages missing", "handled %d of %d", total, keys*perKey)
	}
	mu.Lock()
	defer mu.Unlock()
	require.Empty(t, problems)
	require.Positive(t, perProc[0], "process 0 got no keys: %v", perProc)
	require.Positive(t, perProc[1], "process 1 got no keys: %v", perProc)
}

// TestUnreachableBroker checks that a configured but unreachable broker is an
// error naming the URL, not a hang.
func TestUnreachableBroker(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := New(ctx, Config{URL: "pulsar://127.0.0.1:1", AdminURL: "http://127.0.0.1:1", OperationTimeout: 3 * time.Second})
	require.Error(t, err)
	require.Contains(t, err.Error(), "http://127.0.0.1:1")
}

// TestEphemeralTopicPolicies checks that a topic carrying ephemeral messages
// gets no retention and a message TTL, and that subscribers still get them.
func TestEphemeralTopicPolicies(t *testing.T) {
	t.Parallel()
	tr := newBrokerTransport(t)
	topic := fmt.Sprintf("notify-%x", rand.Uint64())
	got := make(chan string, 1)
	sub, err := tr.Subscribe(t.Context(), &transport.SubscribeParams{
		Topic: topic, Subscription: "client-1", Mode: transport.Shared, Concurrency: 1,
		Handler: func(_ context.Context, d *transport.Delivery) error {
			got <- string(d.Payload)
			return nil
		},
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = sub.Close() })
	require.NoError(t, tr.Publish(t.Context(), &transport.PublishParams{
		Topic: topic, Message: transport.Message{Payload: []byte("done")}, Ephemeral: true,
	}))
	select {
	case p := <-got:
		require.Equal(t, "done", p)
	case <-time.After(30 * time.Second):
		require.FailNow(t, "ephemeral message not delivered to an existing subscriber")
	}
	path := "/persistent/" + tr.cfg.Tenant + "/" + tr.cfg.Namespace + "/" + topic
	require.Eventually(t, func() bool {
		_, ttl, err := tr.admin.do(t.Context(), http.MethodGet, path+"/messageTTL", nil, http.StatusOK)
		if err != nil || strings.TrimSpace(string(ttl)) != "300" {
			return false
		}
		_, ret, err := tr.admin.do(t.Context(), http.MethodGet, path+"/retention", nil, http.StatusOK)
		return err == nil && strings.Contains(string(ret), `"retentionTimeInMinutes":0`)
	}, 30*time.Second, 100*time.Millisecond, "topic policies of the ephemeral topic not set")
}

// timingAlone skips a test that measures how late the broker delivers
// delayed messages unless INFGEN_PULSAR_TIMING is set: scripts/test.sh runs
// those tests alone on the broker, after the others, whose load would make
// any bound meaningless.
func timingAlone(t *testing.T) {
	t.Helper()
	if os.Getenv("INFGEN_PULSAR_TIMING") == "" {
		t.Skip("INFGEN_PULSAR_TIMING is not set: timer lateness is measured alone on the broker (scripts/test.sh does it after the other tests)")
	}
}

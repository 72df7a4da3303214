package events_test

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/storage/mysql"
	"github.com/infgen/infgen/runtime/storage/postgres"
	"github.com/infgen/infgen/runtime/storage/redis"
	"github.com/infgen/infgen/runtime/storage/storagetest"
	"github.com/infgen/infgen/runtime/transport"
	"github.com/infgen/infgen/runtime/transport/pulsar"
	"github.com/infgen/infgen/runtime/worker"
)

// TestRedeliveredEventIsHandledOnceOnPostgres claims the dedup records in
// PostgreSQL (INFGEN_POSTGRES_DSN).
func TestRedeliveredEventIsHandledOnceOnPostgres(t *testing.T) {
	t.Parallel()
	s, err := postgres.Open(context.Background(), storagetest.ServerEnv(t, postgres.EnvDSN))
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	exactlyOncePerEventID(t, nil, s)
}

// TestRedeliveredEventIsHandledOnceOnRedis claims the dedup records in
// Redis (INFGEN_REDIS_ADDR).
func TestRedeliveredEventIsHandledOnceOnRedis(t *testing.T) {
	t.Parallel()
	s, err := redis.Open(context.Background(), storagetest.ServerEnv(t, redis.EnvAddr))
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	exactlyOncePerEventID(t, nil, s)
}

// TestRedeliveredEventIsHandledOnceOnMySQL claims the dedup records in
// MySQL or MariaDB (INFGEN_MYSQL_DSN).
func TestRedeliveredEventIsHandledOnceOnMySQL(t *testing.T) {
	t.Parallel()
	s, err := mysql.Open(context.Background(), storagetest.ServerEnv(t, mysql.EnvDSN))
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	exactlyOncePerEventID(t, nil, s)
}

// TestRedeliveredEventIsHandledOnceOnPulsar delivers the events over
// Pulsar (INFGEN_PULSAR_URL): durable Shared subscriptions, negative
// acknowledgements redelivered by the broker.
func TestRedeliveredEventIsHandledOnceOnPulsar(t *testing.T) {
	t.Parallel()
	tr, store := pulsarBackends(t)
	exactlyOncePerEventID(t, tr, store)
}

// TestOutcomeAndEmittedEventsOnPulsar publishes a workflow's events over
// Pulsar (with PostgreSQL when INFGEN_POSTGRES_DSN is set).
func TestOutcomeAndEmittedEventsOnPulsar(t *testing.T) {
	t.Parallel()
	tr, store := pulsarBackends(t)
	outcomeAndEmittedEvents(t, tr, store, worker.Options{})
}

// pulsarBackends connects to the test broker (or skips the test) and opens
// PostgreSQL when it is configured (nil: the memory store).
func pulsarBackends(t *testing.T) (transport.Transport, storage.Storage) {
	t.Helper()
	if os.Getenv(pulsar.EnvURL) == "" {
		t.Skipf("%s is not set: eval $(scripts/pulsar.sh env)", pulsar.EnvURL)
	}
	cfg, err := pulsar.ConfigFromEnv()
	require.NoError(t, err)
	if cfg.Namespace == "" {
		cfg.Namespace = "tests"
	}
	// Topics of this test's own: an event type's topic (math.Add.completed)
	// is otherwise shared with every run on the broker, whose events a
	// subscription created meanwhile receives too.
	cfg.TopicPrefix = unique("ev") + "."
	cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tr, err := pulsar.New(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = tr.Close() })
	if dsn := os.Getenv(postgres.EnvDSN); dsn != "" {
		s, err := postgres.Open(ctx, dsn)
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		return tr, s
	}
	return tr, nil
}

// TestEventsSurviveALostTransportOnPostgres keeps the events of the memory
// transport in PostgreSQL (INFGEN_POSTGRES_DSN) across the loss of the
// transport.
func TestEventsSurviveALostTransportOnPostgres(t *testing.T) {
	t.Parallel()
	s, err := postgres.Open(context.Background(), storagetest.ServerEnv(t, postgres.EnvDSN))
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	eventsSurviveALostTransport(t, s)
}

// TestDedupRecordsArePrunedOnPostgres prunes the dedup records in
// PostgreSQL (INFGEN_POSTGRES_DSN).
func TestDedupRecordsArePrunedOnPostgres(t *testing.T) {
	t.Parallel()
	s, err := postgres.Open(context.Background(), storagetest.ServerEnv(t, postgres.EnvDSN))
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	dedupRecordsArePruned(t, s)
}

// TestDedupRecordsArePrunedOnRedis prunes them in Redis (INFGEN_REDIS_ADDR).
func TestDedupRecordsArePrunedOnRedis(t *testing.T) {
	t.Parallel()
	s, err := redis.Open(context.Background(), storagetest.ServerEnv(t, redis.EnvAddr))
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	dedupRecordsArePruned(t, s)
}

// TestDedupRecordsArePrunedOnMySQL prunes them in MySQL or MariaDB
// (INFGEN_MYSQL_DSN).
func TestDedupRecordsArePrunedOnMySQL(t *testing.T) {
	t.Parallel()
	s, err := mysql.Open(context.Background(), storagetest.ServerEnv(t, mysql.EnvDSN))
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	dedupRecordsArePruned(t, s)
}

package redis_test

import (
	"context"
	"errors"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/storage/redis"
	"github.com/infgen/infgen/runtime/storage/storagetest"
	"github.com/infgen/infgen/runtime/storage/storagetest/enginetest"
)

// addr returns INFGEN_REDIS_ADDR or skips the test.
func addr(t *testing.T) string { return storagetest.ServerEnv(t, redis.EnvAddr) }

func open(t *testing.T, opts ...redis.Option) *redis.Store {
	t.Helper()
	s, err := redis.Open(context.Background(), addr(t), opts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	t.Parallel()
	storagetest.Run(t, func(t *testing.T) storage.Storage { return open(t) })
}

func TestConformanceCompressed(t *testing.T) {
	t.Parallel()
	storagetest.RunCompressed(t, func(t *testing.T) storage.Storage { return open(t) })
}

// TestKeyPrefixIsolates checks that two prefixes on one server are two
// separate stores.
func TestKeyPrefixIsolates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := open(t, redis.WithKeyPrefix("infgen-test-a:"))
	b := open(t, redis.WithKeyPrefix("infgen-test-b:"))
	id := t.Name() + strconv.Itoa(os.Getpid())
	_, err := a.Put(ctx, &storage.PutParams{ID: id, Data: []byte("a")})
	require.NoError(t, err)
	_, err = b.Get(ctx, &storage.GetParams{ID: id})
	require.ErrorIs(t, err, storage.ErrNotFound)
	require.NoError(t, a.Delete(ctx, &storage.DeleteParams{ID: id, Version: 1}))
}

func TestUnreachable(t *testing.T) {
	t.Parallel()
	_, err := redis.Open(context.Background(), "127.0.0.1:1")
	require.Error(t, err)
	require.Contains(t, err.Error(), "redis storage: 127.0.0.1:1")
	var opErr *net.OpError
	require.True(t, errors.As(err, &opErr), "want the network cause wrapped: %v", err)
}

func TestConfigFromEnv(t *testing.T) {
	t.Setenv(redis.EnvAddr, "")
	_, err := redis.ConfigFromEnv()
	require.ErrorContains(t, err, redis.EnvAddr)

	t.Setenv(redis.EnvAddr, "10.0.0.1:6379")
	t.Setenv(redis.EnvPassword, "secret")
	t.Setenv(redis.EnvDB, "3")
	t.Setenv(redis.EnvKeyPrefix, "wf:")
	t.Setenv(redis.EnvCompression, "gzip")
	c, err := redis.ConfigFromEnv()
	require.NoError(t, err)
	require.Equal(t, redis.Config{Addr: "10.0.0.1:6379", Password: "secret", DB: 3, KeyPrefix: "wf:", Compression: "gzip"}, c)

	t.Setenv(redis.EnvDB, "-1")
	_, err = redis.ConfigFromEnv()
	require.ErrorContains(t, err, redis.EnvDB)
}

// TestServerRestart restarts Redis while writers run (not in parallel with
// the other tests, which would fail during the outage).
func TestServerRestart(t *testing.T) {
	_, port, err := net.SplitHostPort(addr(t))
	require.NoError(t, err)
	p, _ := strconv.Atoi(port)
	restart := storagetest.ScriptRestart(t, "redis", p)
	s := open(t)
	errs := storagetest.Outage(t, s, storagetest.OutageParams{Restart: restart})
	for _, err := range errs {
		require.True(t, strings.HasPrefix(err.Error(), "redis storage: "), "unclear error: %v", err)
		require.NotNil(t, errors.Unwrap(err), "error must wrap its cause: %v", err)
	}
}

func TestOpenURL(t *testing.T) {
	t.Parallel()
	s, err := redis.Open(context.Background(), "redis://"+addr(t)+"/1", redis.WithKeyPrefix("infgen-test-url:"))
	require.NoError(t, err)
	defer s.Close()
	id := t.Name() + strconv.Itoa(os.Getpid())
	v, err := s.Put(context.Background(), &storage.PutParams{ID: id, Data: []byte("x")})
	require.NoError(t, err)
	require.NoError(t, s.Delete(context.Background(), &storage.DeleteParams{ID: id, Version: v}))

	_, err = redis.Open(context.Background(), "redis://"+addr(t)+"/notanumber")
	require.ErrorContains(t, err, "parse URL")
}

// TestServerRestartUnderWorkflows restarts Redis while chain workflows run
// on a worker over the store: every workflow must still finish.
func TestServerRestartUnderWorkflows(t *testing.T) {
	_, port, err := net.SplitHostPort(addr(t))
	require.NoError(t, err)
	p, _ := strconv.Atoi(port)
	restart := storagetest.ScriptRestart(t, "redis", p)
	enginetest.RestartDuringWorkflows(t, open(t), enginetest.RestartParams{Restart: restart})
}

// TestWorkerRegistry: workers record what they serve; unknown workflow
// names are refused with a suggestion.
func TestWorkerRegistry(t *testing.T) {
	t.Parallel()
	enginetest.WorkerRegistry(t, open(t), nil)
}

// TestSchedules: durable schedules fire once per time, by policy, under
// one worker and two.
func TestSchedules(t *testing.T) {
	t.Parallel()
	enginetest.Schedules(t, open(t), nil)
}

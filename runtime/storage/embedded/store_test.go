package embedded_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/storage/embedded"
	"github.com/infgen/infgen/runtime/storage/storagetest"
	"github.com/infgen/infgen/runtime/storage/storagetest/enginetest"
)

func openTemp(t *testing.T, opts ...embedded.Option) *embedded.Store {
	t.Helper()
	s, err := embedded.Open(filepath.Join(t.TempDir(), "state.db"), opts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	t.Parallel()
	storagetest.Run(t, func(t *testing.T) storage.Storage { return openTemp(t) })
}

func TestConformanceNoBatching(t *testing.T) {
	t.Parallel()
	storagetest.Run(t, func(t *testing.T) storage.Storage { return openTemp(t, embedded.WithMaxBatch(1)) })
}

func TestReopenKeepsData(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := embedded.Open(path)
	require.NoError(t, err)
	v, err := s.Put(ctx, &storage.PutParams{ID: "wf-1", Data: []byte("history")})
	require.NoError(t, err)
	require.NoError(t, s.AddTag(ctx, &storage.TagParams{Tag: "customer:7", ID: "wf-1"}))
	require.NoError(t, s.Close())

	s, err = embedded.Open(path)
	require.NoError(t, err)
	defer s.Close()
	rec, err := s.Get(ctx, &storage.GetParams{ID: "wf-1"})
	require.NoError(t, err)
	require.Equal(t, v, rec.Version)
	require.Equal(t, []byte("history"), rec.Data)
	ids, err := s.ListTag(ctx, &storage.ListTagParams{Tag: "customer:7"})
	require.NoError(t, err)
	require.Equal(t, []string{"wf-1"}, ids)
}

func TestSecondOpenFailsWhileLocked(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	_, err := embedded.Open(s.Path(), embedded.WithLockTimeout(100*time.Millisecond))
	require.Error(t, err)
	require.Contains(t, err.Error(), "locked by another process")
	require.Contains(t, err.Error(), s.Path())
}

func TestOpenMissingDirectory(t *testing.T) {
	t.Parallel()
	_, err := embedded.Open(filepath.Join(t.TempDir(), "no", "such", "dir", "state.db"))
	require.ErrorContains(t, err, "no such file or directory")
}

// BenchmarkStorage measures the engine's write pattern (see
// storagetest.Benchmark) on a file in a temporary directory.
func BenchmarkStorage(b *testing.B) {
	s, err := embedded.Open(filepath.Join(b.TempDir(), "state.db"))
	require.NoError(b, err)
	defer s.Close()
	storagetest.Benchmark(b, s)
}

func TestConfig(t *testing.T) {
	t.Setenv(embedded.EnvPath, "")
	_, err := embedded.ConfigFromEnv()
	require.ErrorContains(t, err, embedded.EnvPath)

	path := filepath.Join(t.TempDir(), "state.db")
	t.Setenv(embedded.EnvPath, path)
	t.Setenv(embedded.EnvCompression, "zstd")
	c, err := embedded.ConfigFromEnv()
	require.NoError(t, err)
	require.Equal(t, embedded.Config{Path: path, Compression: "zstd"}, c)
	s, err := c.Open()
	require.NoError(t, err)
	defer s.Close()
	_, err = s.Put(context.Background(), &storage.PutParams{ID: "a", Data: []byte("b")})
	require.NoError(t, err)

	_, err = embedded.Config{Path: filepath.Join(t.TempDir(), "x.db"), Compression: "brotli"}.Open()
	require.ErrorContains(t, err, "brotli")
}

// TestWorkerRegistry: workers record what they serve; unknown workflow
// names are refused with a suggestion.
func TestWorkerRegistry(t *testing.T) {
	t.Parallel()
	enginetest.WorkerRegistry(t, openTemp(t), nil)
}

// TestSchedules: durable schedules fire once per time, by policy, under
// one worker and two.
func TestSchedules(t *testing.T) {
	t.Parallel()
	enginetest.Schedules(t, openTemp(t), nil)
}

package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/storage/compress"
	"github.com/infgen/infgen/runtime/storage/postgres"
	"github.com/infgen/infgen/runtime/storage/storagetest"
	"github.com/infgen/infgen/runtime/storage/storagetest/enginetest"
)

// dsn returns INFGEN_POSTGRES_DSN or skips the test.
func dsn(t *testing.T) string { return storagetest.ServerEnv(t, postgres.EnvDSN) }

func open(t *testing.T, opts ...postgres.Option) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), dsn(t), opts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	t.Parallel()
	storagetest.Run(t, func(t *testing.T) storage.Storage { return open(t, postgres.WithMaxConns(8)) })
}

func TestConformanceCompressed(t *testing.T) {
	t.Parallel()
	storagetest.RunCompressed(t, func(t *testing.T) storage.Storage { return open(t, postgres.WithMaxConns(8)) })
}

// TestConcurrentMigration starts many stores on an empty schema at once:
// every Open must succeed and the schema must be created once.
func TestConcurrentMigration(t *testing.T) {
	t.Parallel()
	var b [4]byte
	_, _ = rand.Read(b[:])
	prefix := "mig_" + hex.EncodeToString(b[:]) + "_"
	ctx := context.Background()
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, dsn(t))
		if err == nil {
			_, _ = conn.Exec(ctx, "DROP TABLE IF EXISTS "+prefix+"records, "+prefix+"tags, "+prefix+"schema")
			_ = conn.Close(ctx)
		}
	})

	const n = 8
	stores := make([]*postgres.Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			stores[i], errs[i] = postgres.Open(ctx, dsn(t), postgres.WithTablePrefix(prefix), postgres.WithMaxConns(2))
		})
	}
	wg.Wait()
	for i := range n {
		require.NoError(t, errs[i])
		defer stores[i].Close()
	}
	v, err := stores[0].Put(ctx, &storage.PutParams{ID: "x", Data: []byte("y")})
	require.NoError(t, err)
	rec, err := stores[n-1].Get(ctx, &storage.GetParams{ID: "x"})
	require.NoError(t, err)
	require.Equal(t, v, rec.Version)

	conn, err := pgx.Connect(ctx, dsn(t))
	require.NoError(t, err)
	defer conn.Close(ctx)
	var versions []int
	rows, err := conn.Query(ctx, "SELECT version FROM "+prefix+"schema")
	require.NoError(t, err)
	versions, err = pgx.CollectRows(rows, pgx.RowTo[int])
	require.NoError(t, err)
	require.Equal(t, []int{postgres.SchemaVersion}, versions)
}

func TestBadPrefixAndUnreachable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, err := postgres.Open(ctx, "postgres://x@127.0.0.1:1/db", postgres.WithTablePrefix("Robert'); DROP"))
	require.ErrorContains(t, err, "table prefix")

	_, err = postgres.Open(ctx, "postgres://infgen:infgen@127.0.0.1:1/infgen?sslmode=disable&connect_timeout=2")
	require.Error(t, err)
	require.Contains(t, err.Error(), "postgres storage")
	require.Contains(t, err.Error(), "127.0.0.1:1")
}

func TestConfigFromEnv(t *testing.T) {
	t.Setenv(postgres.EnvDSN, "")
	_, err := postgres.ConfigFromEnv()
	require.ErrorContains(t, err, postgres.EnvDSN)

	t.Setenv(postgres.EnvDSN, "postgres://a@b/c")
	t.Setenv(postgres.EnvTablePrefix, "wf_")
	t.Setenv(postgres.EnvMaxConns, "12")
	t.Setenv(postgres.EnvCompression, "zstd")
	c, err := postgres.ConfigFromEnv()
	require.NoError(t, err)
	require.Equal(t, postgres.Config{DSN: "postgres://a@b/c", TablePrefix: "wf_", MaxConns: 12, Compression: "zstd"}, c)

	t.Setenv(postgres.EnvMaxConns, "many")
	_, err = postgres.ConfigFromEnv()
	require.ErrorContains(t, err, postgres.EnvMaxConns)
}

func TestConfigOpenCompressed(t *testing.T) {
	t.Parallel()
	s, err := postgres.Config{DSN: dsn(t), Compression: compress.Gzip}.Open(context.Background())
	require.NoError(t, err)
	defer s.Close()
	c, ok := s.(*compress.Store)
	require.True(t, ok, "Compression set: want a *compress.Store, got %T", s)
	require.Equal(t, compress.Gzip, c.Codec())
}

// TestServerRestart restarts PostgreSQL while writers run (not in parallel
// with the other tests, which would fail during the outage).
func TestServerRestart(t *testing.T) {
	cfg, err := pgx.ParseConfig(dsn(t))
	require.NoError(t, err)
	restart := storagetest.ScriptRestart(t, "postgres", int(cfg.Port))
	s := open(t)
	errs := storagetest.Outage(t, s, storagetest.OutageParams{Restart: restart})
	for _, err := range errs {
		require.True(t, strings.HasPrefix(err.Error(), "postgres storage: "), "unclear error: %v", err)
		require.NotNil(t, errorsUnwrap(err), "error must wrap its cause: %v", err)
	}
}

func errorsUnwrap(err error) error {
	u, ok := err.(interface{ Unwrap() error })
	if !ok {
		return nil
	}
	return u.Unwrap()
}

// TestServerRestartUnderWorkflows restarts PostgreSQL while chain workflows
// run on a worker over the store: every workflow must still finish.
func TestServerRestartUnderWorkflows(t *testing.T) {
	cfg, err := pgx.ParseConfig(dsn(t))
	require.NoError(t, err)
	restart := storagetest.ScriptRestart(t, "postgres", int(cfg.Port))
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

// TestBadWriteFailsAlone writes many records at once, a few of them with
// an id PostgreSQL refuses (a NUL byte): writes committed together share a
// transaction, which the bad write aborts; every good write must still
// succeed and every bad one fail.
func TestBadWriteFailsAlone(t *testing.T) {
	t.Parallel()
	s := open(t)
	ctx := context.Background()
	var b [4]byte
	_, _ = rand.Read(b[:])
	base := "badwrite-" + hex.EncodeToString(b[:]) + "-"
	for round := range 5 {
		var wg sync.WaitGroup
		for i := range 40 {
			wg.Go(func() {
				id := fmt.Sprintf("%s%d-%d", base, round, i)
				if i%10 == 3 {
					id += "\x00"
				}
				_, err := s.Put(ctx, &storage.PutParams{ID: id, Data: []byte("x"), AddTags: []string{base + "tag"}})
				if i%10 == 3 {
					require.Error(t, err, id)
					require.NotErrorIs(t, err, storage.ErrConflict)
					return
				}
				require.NoError(t, err, id)
			})
		}
		wg.Wait()
	}
	ids, err := s.ListTag(ctx, &storage.ListTagParams{Tag: base + "tag"})
	require.NoError(t, err)
	require.Len(t, ids, 5*36)
}

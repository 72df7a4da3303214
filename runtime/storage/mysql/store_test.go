package mysql_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"

	driver "github.com/go-sql-driver/mysql"
	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/storage/mysql"
	"github.com/infgen/infgen/runtime/storage/storagetest"
	"github.com/infgen/infgen/runtime/storage/storagetest/enginetest"
)

// dsn returns INFGEN_MYSQL_DSN or skips the test.
func dsn(t *testing.T) string { return storagetest.ServerEnv(t, mysql.EnvDSN) }

func open(t *testing.T, opts ...mysql.Option) *mysql.Store {
	t.Helper()
	s, err := mysql.Open(context.Background(), dsn(t), opts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	t.Parallel()
	storagetest.Run(t, func(t *testing.T) storage.Storage { return open(t, mysql.WithMaxConns(8)) })
}

func TestConformanceCompressed(t *testing.T) {
	t.Parallel()
	storagetest.RunCompressed(t, func(t *testing.T) storage.Storage { return open(t, mysql.WithMaxConns(8)) })
}

// TestConcurrentMigration starts many stores on an empty schema at once:
// every Open must succeed and the schema must be created once.
func TestConcurrentMigration(t *testing.T) {
	t.Parallel()
	var b [4]byte
	_, _ = rand.Read(b[:])
	prefix := "mig_" + hex.EncodeToString(b[:]) + "_"
	ctx := context.Background()
	db, err := sql.Open("mysql", dsn(t))
	require.NoError(t, err)
	t.Cleanup(func() {
		_, _ = db.Exec("DROP TABLE IF EXISTS " + prefix + "records, " + prefix + "tags, " + prefix + "schema")
		_ = db.Close()
	})

	const n = 8
	stores := make([]*mysql.Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			stores[i], errs[i] = mysql.Open(ctx, dsn(t), mysql.WithTablePrefix(prefix), mysql.WithMaxConns(2))
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

	rows, err := db.Query("SELECT version FROM " + prefix + "schema")
	require.NoError(t, err)
	defer rows.Close()
	var versions []int
	for rows.Next() {
		var v int
		require.NoError(t, rows.Scan(&v))
		versions = append(versions, v)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []int{mysql.SchemaVersion}, versions)
}

func TestBadPrefixAndUnreachable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, err := mysql.Open(ctx, "u:p@tcp(127.0.0.1:1)/db", mysql.WithTablePrefix("x; DROP"))
	require.ErrorContains(t, err, "table prefix")

	_, err = mysql.Open(ctx, "u:p@tcp(127.0.0.1:1)/db?timeout=2s")
	require.Error(t, err)
	require.Contains(t, err.Error(), "mysql storage")
	require.Contains(t, err.Error(), "127.0.0.1:1")
	var opErr *net.OpError
	require.True(t, errors.As(err, &opErr), "want the network cause wrapped: %v", err)
}

func TestConfigFromEnv(t *testing.T) {
	t.Setenv(mysql.EnvDSN, "")
	_, err := mysql.ConfigFromEnv()
	require.ErrorContains(t, err, mysql.EnvDSN)

	t.Setenv(mysql.EnvDSN, "u:p@tcp(h:3306)/d")
	t.Setenv(mysql.EnvTablePrefix, "wf_")
	t.Setenv(mysql.EnvMaxConns, "12")
	t.Setenv(mysql.EnvCompression, "zstd")
	c, err := mysql.ConfigFromEnv()
	require.NoError(t, err)
	require.Equal(t, mysql.Config{DSN: "u:p@tcp(h:3306)/d", TablePrefix: "wf_", MaxConns: 12, Compression: "zstd"}, c)
}

// TestServerRestart restarts MariaDB while writers run (not in parallel with
// the other tests, which would fail during the outage).
func TestServerRestart(t *testing.T) {
	cfg, err := driver.ParseDSN(dsn(t))
	require.NoError(t, err)
	_, port, err := net.SplitHostPort(cfg.Addr)
	require.NoError(t, err)
	p, _ := strconv.Atoi(port)
	restart := storagetest.ScriptRestart(t, "mysql", p)
	s := open(t)
	errs := storagetest.Outage(t, s, storagetest.OutageParams{Restart: restart})
	for _, err := range errs {
		require.True(t, strings.HasPrefix(err.Error(), "mysql storage: "), "unclear error: %v", err)
		require.NotNil(t, errors.Unwrap(err), "error must wrap its cause: %v", err)
	}
}

// TestServerRestartUnderWorkflows restarts MariaDB while chain workflows run
// on a worker over the store: every workflow must still finish.
func TestServerRestartUnderWorkflows(t *testing.T) {
	cfg, err := driver.ParseDSN(dsn(t))
	require.NoError(t, err)
	_, port, err := net.SplitHostPort(cfg.Addr)
	require.NoError(t, err)
	p, _ := strconv.Atoi(port)
	restart := storagetest.ScriptRestart(t, "mysql", p)
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
// an id longer than the id column: writes committed together share a
// transaction, which the bad write ends; every good write must still
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
				id := base + strconv.Itoa(round) + "-" + strconv.Itoa(i)
				bad := i%10 == 3
				if bad {
					id += strings.Repeat("x", 1000)
				}
				_, err := s.Put(ctx, &storage.PutParams{ID: id, Data: []byte("x"), AddTags: []string{base + "tag"}})
				if bad {
					require.Error(t, err)
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

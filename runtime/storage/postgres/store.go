package postgres

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/infgen/infgen/runtime/storage"
)

// Option configures Open.
type Option func(*options)

type options struct {
	prefix   string
	maxConns int32
}

// WithTablePrefix sets the prefix of the tables (default "infgen_"); it must
// be lower-case letters, digits and underscores.
func WithTablePrefix(p string) Option { return func(o *options) { o.prefix = p } }

// WithMaxConns caps the connection pool (default: pool_max_conns in the
// DSN, else 32).
func WithMaxConns(n int) Option { return func(o *options) { o.maxConns = int32(n) } }

// defaultMaxConns is the pool size when neither the DSN nor an option sets one.
const defaultMaxConns = 32

var validPrefix = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// Store is a storage.Storage on PostgreSQL. It is safe for concurrent use.
type Store struct {
	pool   *pgxpool.Pool
	q      queries
	closed atomic.Bool
}

var _ storage.Storage = (*Store)(nil)

// Open connects to the database at dsn (a postgres:// URL or key=value
// string), creates or migrates the schema, and returns the store.
func Open(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	o := options{prefix: "infgen_"}
	for _, opt := range opts {
		opt(&o)
	}
	if !validPrefix.MatchString(o.prefix) {
		return nil, fmt.Errorf("postgres storage: table prefix %q: want lower-case letters, digits and underscores", o.prefix)
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres storage: parse DSN (want postgres://user:password@host:port/db): %w", err)
	}
	switch {
	case o.maxConns > 0:
		cfg.MaxConns = o.maxConns
	case !strings.Contains(dsn, "pool_max_conns"):
		// pgxpool's default (max(4, CPUs)) serializes a busy worker's
		// commits behind a handful of connections.
		cfg.MaxConns = defaultMaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres storage: connect to %s:%d: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Port, err)
	}
	s := &Store{pool: pool, q: newQueries(o.prefix)}
	if err := s.migrate(ctx, o.prefix); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres storage: schema in %s:%d/%s: %w",
			cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database, err)
	}
	return s, nil
}

// Close closes the connection pool. Later calls return storage.ErrClosed.
func (s *Store) Close() error {
	if s.closed.CompareAndSwap(false, true) {
		s.pool.Close()
	}
	return nil
}

// check fails fast on a closed store or a finished context.
func (s *Store) check(ctx context.Context, op, id string) error {
	if s.closed.Load() {
		return fmt.Errorf("postgres storage: %s %q: %w", op, id, storage.ErrClosed)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("postgres storage: %s %q: %w", op, id, err)
	}
	return nil
}

// fail wraps a driver error with the operation and id.
func (s *Store) fail(op, id string, err error) error {
	if s.closed.Load() {
		return fmt.Errorf("postgres storage: %s %q: %w", op, id, storage.ErrClosed)
	}
	return fmt.Errorf("postgres storage: %s %q: %w", op, id, err)
}

// Get implements storage.Storage.
func (s *Store) Get(ctx context.Context, p *storage.GetParams) (*storage.Record, error) {
	if err := s.check(ctx, "get", p.ID); err != nil {
		return nil, err
	}
	rec := &storage.Record{ID: p.ID}
	err := s.pool.QueryRow(ctx, s.q.get, p.ID).Scan(&rec.Version, &rec.Data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("postgres storage: get %q: %w", p.ID, storage.ErrNotFound)
	}
	if err != nil {
		return nil, s.fail("get", p.ID, err)
	}
	if rec.Data == nil {
		rec.Data = []byte{}
	}
	return rec, nil
}

// Put implements storage.Storage. The new version is p.Version+1.
func (s *Store) Put(ctx context.Context, p *storage.PutParams) (int64, error) {
	if err := s.check(ctx, "put", p.ID); err != nil {
		return 0, err
	}
	data := p.Data
	if data == nil {
		data = []byte{} // NULL is not allowed
	}
	written, err := s.put(ctx, p, data)
	if err != nil {
		return 0, s.fail("put", p.ID, err)
	}
	if written != 1 {
		return 0, fmt.Errorf("postgres storage: put %q at version %d: %w", p.ID, p.Version, storage.ErrConflict)
	}
	return p.Version + 1, nil
}

// put runs the compare-and-set (with the tag changes, if any) and returns
// the number of records written.
func (s *Store) put(ctx context.Context, p *storage.PutParams, data []byte) (int64, error) {
	if len(p.AddTags) == 0 && len(p.RemoveTags) == 0 {
		sql, args := s.q.update, []any{p.ID, data, p.Version}
		if p.Version == 0 {
			sql, args = s.q.insert, []any{p.ID, data}
		}
		tag, err := s.pool.Exec(ctx, sql, args...)
		return tag.RowsAffected(), err
	}
	add, remove := p.AddTags, p.RemoveTags
	if add == nil {
		add = []string{}
	}
	if remove == nil {
		remove = []string{}
	}
	sql, args := s.q.updateWithTags, []any{p.ID, data, p.Version, add, remove}
	if p.Version == 0 {
		sql, args = s.q.insertWithTags, []any{p.ID, data, add, remove}
	}
	var n int64
	err := s.pool.QueryRow(ctx, sql, args...).Scan(&n)
	return n, err
}

// Delete implements storage.Storage.
func (s *Store) Delete(ctx context.Context, p *storage.DeleteParams) error {
	if err := s.check(ctx, "delete", p.ID); err != nil {
		return err
	}
	var deleted, exists bool
	err := s.pool.QueryRow(ctx, s.q.delete, p.ID, p.Version).Scan(&deleted, &exists)
	if err != nil {
		return s.fail("delete", p.ID, err)
	}
	switch {
	case deleted:
		return nil
	case exists:
		return fmt.Errorf("postgres storage: delete %q at version %d: %w", p.ID, p.Version, storage.ErrConflict)
	default:
		return fmt.Errorf("postgres storage: delete %q: %w", p.ID, storage.ErrNotFound)
	}
}

// AddTag implements storage.Storage.
func (s *Store) AddTag(ctx context.Context, p *storage.TagParams) error {
	if err := s.check(ctx, "add tag", p.Tag); err != nil {
		return err
	}
	if _, err := s.pool.Exec(ctx, s.q.addTag, p.Tag, p.ID); err != nil {
		return s.fail("add tag", p.Tag, err)
	}
	return nil
}

// RemoveTag implements storage.Storage.
func (s *Store) RemoveTag(ctx context.Context, p *storage.TagParams) error {
	if err := s.check(ctx, "remove tag", p.Tag); err != nil {
		return err
	}
	if _, err := s.pool.Exec(ctx, s.q.removeTag, p.Tag, p.ID); err != nil {
		return s.fail("remove tag", p.Tag, err)
	}
	return nil
}

// ListTag implements storage.Storage.
func (s *Store) ListTag(ctx context.Context, p *storage.ListTagParams) ([]string, error) {
	if err := s.check(ctx, "list tag", p.Tag); err != nil {
		return nil, err
	}
	limit := p.PageSize()
	rows, err := s.pool.Query(ctx, s.q.listTag, p.Tag, p.After, limit)
	if err != nil {
		return nil, s.fail("list tag", p.Tag, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, s.fail("list tag", p.Tag, err)
	}
	if ids == nil {
		ids = []string{}
	}
	return ids, nil
}

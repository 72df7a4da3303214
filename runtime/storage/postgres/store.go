package postgres

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/storage/internal/groupcommit"
)

// Option configures Open.
type Option func(*options)

type options struct {
	prefix   string
	maxConns int32
	maxBatch int
}

// WithTablePrefix sets the prefix of the tables (default "infgen_"); it must
// be lower-case letters, digits and underscores.
func WithTablePrefix(p string) Option { return func(o *options) { o.prefix = p } }

// WithMaxConns caps the connection pool (default: pool_max_conns in the
// DSN, else 32).
func WithMaxConns(n int) Option { return func(o *options) { o.maxConns = int32(n) } }

// WithMaxBatch caps how many concurrent writes are committed together, in
// one round trip and one transaction (default 64; 1 commits each write on
// its own).
func WithMaxBatch(n int) Option { return func(o *options) { o.maxBatch = n } }

// defaultMaxConns is the pool size when neither the DSN nor an option sets one.
const defaultMaxConns = 32

var validPrefix = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// Store is a storage.Storage on PostgreSQL. It is safe for concurrent use.
type Store struct {
	pool   *pgxpool.Pool
	q      queries
	closed atomic.Bool
	// puts commits concurrent writes together (see commitPuts).
	puts *groupcommit.Queue[*putReq]
}

var _ storage.Storage = (*Store)(nil)

// Open connects to the database at dsn (a postgres:// URL or key=value
// string), creates or migrates the schema, and returns the store.
func Open(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	o := options{prefix: "infgen_", maxBatch: 64}
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
	s.puts = groupcommit.New(o.maxBatch, s.commitPuts)
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
	req := &putReq{ctx: ctx, p: p, data: data}
	if err := s.puts.Do(req); err != nil {
		return 0, s.fail("put", p.ID, err)
	}
	if req.written != 1 {
		return 0, fmt.Errorf("postgres storage: put %q at version %d: %w", p.ID, p.Version, storage.ErrConflict)
	}
	return p.Version + 1, nil
}

// putReq is one Put waiting for its batch.
type putReq struct {
	ctx  context.Context
	p    *storage.PutParams
	data []byte
	// written is the number of records written (0: version conflict).
	written int64
}

// statement returns the compare-and-set of a write, with its tag changes
// if any, as one statement, and whether it returns the count as a row.
func (s *Store) statement(p *storage.PutParams, data []byte) (sql string, args []any, counts bool) {
	if len(p.AddTags) == 0 && len(p.RemoveTags) == 0 {
		if p.Version == 0 {
			return s.q.insert, []any{p.ID, data}, false
		}
		return s.q.update, []any{p.ID, data, p.Version}, false
	}
	add, remove := p.AddTags, p.RemoveTags
	if add == nil {
		add = []string{}
	}
	if remove == nil {
		remove = []string{}
	}
	if p.Version == 0 {
		return s.q.insertWithTags, []any{p.ID, data, add, remove}, true
	}
	return s.q.updateWithTags, []any{p.ID, data, p.Version, add, remove}, true
}

// put runs the compare-and-set of one write (with its tag changes, if
// any) and returns the number of records written.
func (s *Store) put(ctx context.Context, p *storage.PutParams, data []byte) (int64, error) {
	sql, args, counts := s.statement(p, data)
	if !counts {
		tag, err := s.pool.Exec(ctx, sql, args...)
		return tag.RowsAffected(), err
	}
	var n int64
	err := s.pool.QueryRow(ctx, sql, args...).Scan(&n)
	return n, err
}

// commitPuts writes a batch of concurrent Puts as one pipeline of
// statements, which PostgreSQL runs as one implicit transaction: one round
// trip and one commit for all. Each write keeps its own compare-and-set (a
// conflict is a write of 0 records, not an error). Should the server refuse
// a statement, the transaction is rolled back as a whole and each write is
// tried again alone, so that one bad write cannot fail the others; any
// other error (the connection lost: the outcome is unknown) is every
// write's, as it would be alone.
func (s *Store) commitPuts(batch []*putReq) []error {
	errs := make([]error, len(batch))
	var live []int
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		live = append(live, i)
	}
	alone := func(i int) {
		r := batch[i]
		r.written, errs[i] = s.put(r.ctx, r.p, r.data)
	}
	switch len(live) {
	case 0:
		return errs
	case 1:
		alone(live[0])
		return errs
	}
	// A fixed order of rows across batches keeps two workers' batches from
	// deadlocking on each other's rows.
	slices.SortStableFunc(live, func(a, b int) int { return strings.Compare(batch[a].p.ID, batch[b].p.ID) })
	ctx, cancel := batchContext(batch, live)
	defer cancel()
	b := &pgx.Batch{}
	for _, i := range live {
		r := batch[i]
		sql, args, counts := s.statement(r.p, r.data)
		if counts {
			b.Queue(sql, args...).QueryRow(func(row pgx.Row) error { return row.Scan(&r.written) })
		} else {
			b.Queue(sql, args...).Exec(func(tag pgconn.CommandTag) error {
				r.written = tag.RowsAffected()
				return nil
			})
		}
	}
	err := s.pool.SendBatch(ctx, b).Close()
	var refused *pgconn.PgError
	for _, i := range live {
		switch {
		case errors.As(err, &refused):
			alone(i)
		case err != nil:
			errs[i] = err
		}
	}
	return errs
}

// batchContext returns a context for a batch of writes: not canceled by
// any one writer (the batch is shared), with the latest of their deadlines
// if they all have one.
func batchContext(batch []*putReq, live []int) (context.Context, context.CancelFunc) {
	base := context.WithoutCancel(batch[live[0]].ctx)
	var latest time.Time
	for _, i := range live {
		d, ok := batch[i].ctx.Deadline()
		if !ok {
			return context.WithCancel(base)
		}
		if d.After(latest) {
			latest = d
		}
	}
	return context.WithDeadline(base, latest)
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

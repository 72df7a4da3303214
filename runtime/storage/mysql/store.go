package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	driver "github.com/go-sql-driver/mysql"

	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/storage/internal/groupcommit"
)

// Option configures Open.
type Option func(*options)

type options struct {
	prefix   string
	maxConns int
	maxBatch int
	lanes    int
}

// WithTablePrefix sets the prefix of the tables (default "infgen_"); it must
// be lower-case letters, digits and underscores.
func WithTablePrefix(p string) Option { return func(o *options) { o.prefix = p } }

// WithMaxConns caps the number of open connections (default 32).
func WithMaxConns(n int) Option { return func(o *options) { o.maxConns = n } }

// WithMaxBatch caps how many concurrent writes are committed together, in
// one transaction (default 64; 1 commits each write on its own).
func WithMaxBatch(n int) Option { return func(o *options) { o.maxBatch = n } }

var validPrefix = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// MySQL error numbers the store interprets.
const (
	errDuplicateKey   = 1062 // ER_DUP_ENTRY
	errPacketTooLarge = 1153 // ER_NET_PACKET_TOO_LARGE
)

// Store is a storage.Storage on MySQL or MariaDB. It is safe for concurrent
// use.
type Store struct {
	db     *sql.DB
	q      queries
	st     *stmts
	closed atomic.Bool
	// lanes commit concurrent writes together (see commitPuts), each lane
	// one batch at a time.
	lanes []*groupcommit.Queue[*putReq]
}

var _ storage.Storage = (*Store)(nil)

// Open connects to the database at dsn (go-sql-driver format,
// user:password@tcp(host:port)/db), creates or migrates the schema, and
// returns the store. Unless the DSN sets maxAllowedPacket, the driver uses
// the server's max_allowed_packet.
func Open(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	o := options{prefix: "infgen_", maxConns: 32, maxBatch: 64, lanes: 4}
	for _, opt := range opts {
		opt(&o)
	}
	if !validPrefix.MatchString(o.prefix) {
		return nil, fmt.Errorf("mysql storage: table prefix %q: want lower-case letters, digits and underscores", o.prefix)
	}
	cfg, err := driver.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("mysql storage: parse DSN (want user:password@tcp(host:port)/db): %w", err)
	}
	if !strings.Contains(dsn, "maxAllowedPacket=") {
		cfg.MaxAllowedPacket = 0 // ask the server
	}
	connector, err := driver.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("mysql storage: %w", err)
	}
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(o.maxConns)
	db.SetMaxIdleConns(o.maxConns)
	db.SetConnMaxLifetime(30 * time.Minute)
	if err := migrate(ctx, db, o.prefix); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("mysql storage: schema in %s/%s: %w", cfg.Addr, cfg.DBName, err)
	}
	q := newQueries(o.prefix)
	st, err := prepare(ctx, db, q)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("mysql storage: %s/%s: %w", cfg.Addr, cfg.DBName, err)
	}
	s := &Store{db: db, q: q, st: st}
	for range o.lanes {
		s.lanes = append(s.lanes, groupcommit.New(o.maxBatch, s.commitPuts))
	}
	return s, nil
}

// Close closes the connection pool. Later calls return storage.ErrClosed.
func (s *Store) Close() error {
	if s.closed.CompareAndSwap(false, true) {
		if err := s.db.Close(); err != nil {
			return fmt.Errorf("mysql storage: close: %w", err)
		}
	}
	return nil
}

// check fails fast on a closed store or a finished context.
func (s *Store) check(ctx context.Context, op, id string) error {
	if s.closed.Load() {
		return fmt.Errorf("mysql storage: %s %q: %w", op, id, storage.ErrClosed)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("mysql storage: %s %q: %w", op, id, err)
	}
	return nil
}

// fail wraps a driver error with the operation and id.
func (s *Store) fail(op, id string, err error) error {
	if s.closed.Load() {
		return fmt.Errorf("mysql storage: %s %q: %w", op, id, storage.ErrClosed)
	}
	var myErr *driver.MySQLError
	if errors.Is(err, driver.ErrPktTooLarge) || (errors.As(err, &myErr) && myErr.Number == errPacketTooLarge) {
		return fmt.Errorf("mysql storage: %s %q: the record exceeds the server's max_allowed_packet (raise it, or enable compression): %w", op, id, err)
	}
	return fmt.Errorf("mysql storage: %s %q: %w", op, id, err)
}

// Get implements storage.Storage.
func (s *Store) Get(ctx context.Context, p *storage.GetParams) (*storage.Record, error) {
	if err := s.check(ctx, "get", p.ID); err != nil {
		return nil, err
	}
	rec := &storage.Record{ID: p.ID}
	err := s.st.get.QueryRowContext(ctx, p.ID).Scan(&rec.Version, &rec.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("mysql storage: get %q: %w", p.ID, storage.ErrNotFound)
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
	if err := s.lane(p.ID).Do(req); err != nil {
		return 0, s.fail("put", p.ID, err)
	}
	if !req.written {
		return 0, fmt.Errorf("mysql storage: put %q at version %d: %w", p.ID, p.Version, storage.ErrConflict)
	}
	return p.Version + 1, nil
}

// putReq is one Put waiting for its batch.
type putReq struct {
	ctx     context.Context
	p       *storage.PutParams
	data    []byte
	written bool
}

// lane returns the commit queue of a record: writes are spread over a few
// queues, each committing its batches on a connection of its own.
func (s *Store) lane(id string) *groupcommit.Queue[*putReq] {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return s.lanes[h.Sum32()%uint32(len(s.lanes))]
}

// stmts are the prepared statements of the hot queries: executing one
// takes a single round trip (a query with arguments not prepared
// beforehand takes three packets: prepare, execute, close).
type stmts struct {
	get, insert, update, addTag, removeTag *sql.Stmt
}

func prepare(ctx context.Context, db *sql.DB, q queries) (*stmts, error) {
	var st stmts
	for _, p := range []struct {
		dst **sql.Stmt
		sql string
	}{{&st.get, q.get}, {&st.insert, q.insert}, {&st.update, q.update}, {&st.addTag, q.addTag}, {&st.removeTag, q.removeTag}} {
		stmt, err := db.PrepareContext(ctx, p.sql)
		if err != nil {
			return nil, fmt.Errorf("prepare %q: %w", p.sql, err)
		}
		*p.dst = stmt
	}
	return &st, nil
}

// execer runs a prepared statement, directly or in a transaction.
type execer func(ctx context.Context, stmt *sql.Stmt, args ...any) (sql.Result, error)

func direct(ctx context.Context, stmt *sql.Stmt, args ...any) (sql.Result, error) {
	return stmt.ExecContext(ctx, args...)
}

func inTx(tx *sql.Tx) execer {
	return func(ctx context.Context, stmt *sql.Stmt, args ...any) (sql.Result, error) {
		return tx.StmtContext(ctx, stmt).ExecContext(ctx, args...)
	}
}

// put runs the compare-and-set of one write, in a transaction with the tag
// changes if there are any, and reports whether the record was written.
func (s *Store) put(ctx context.Context, p *storage.PutParams, data []byte) (bool, error) {
	if len(p.AddTags) == 0 && len(p.RemoveTags) == 0 {
		return s.write(ctx, direct, p, data)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	written, err := s.writeWithTags(ctx, inTx(tx), p, data)
	if err != nil || !written {
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("commit: %w", err)
	}
	return true, nil
}

// writeWithTags writes a record and, when written, changes its tags.
func (s *Store) writeWithTags(ctx context.Context, exec execer, p *storage.PutParams, data []byte) (bool, error) {
	written, err := s.write(ctx, exec, p, data)
	if err != nil || !written {
		return false, err
	}
	for _, t := range p.AddTags {
		if _, err := exec(ctx, s.st.addTag, t, p.ID); err != nil {
			return false, fmt.Errorf("add tag %q: %w", t, err)
		}
	}
	for _, t := range p.RemoveTags {
		if _, err := exec(ctx, s.st.removeTag, t, p.ID); err != nil {
			return false, fmt.Errorf("remove tag %q: %w", t, err)
		}
	}
	return true, nil
}

// commitPuts writes a batch of concurrent Puts in one transaction: one
// commit (one flush of the server's log) for all. Each write keeps its own
// compare-and-set (a conflict writes nothing and does not end the
// transaction). Should the server refuse a statement or the commit, the
// transaction is rolled back and each write is tried alone, so that one bad
// write cannot fail the others; any other error (the connection lost: the
// outcome is unknown) is every write's, as it would be alone.
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
	err := s.batchTx(ctx, batch, live)
	var refused *driver.MySQLError
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

// batchTx writes the live writes of a batch in one transaction.
func (s *Store) batchTx(ctx context.Context, batch []*putReq, live []int) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	exec := inTx(tx)
	for _, i := range live {
		r := batch[i]
		if r.written, err = s.writeWithTags(ctx, exec, r.p, r.data); err != nil {
			return err
		}
	}
	return tx.Commit()
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

// write inserts (version 0) or updates the record at the expected version.
func (s *Store) write(ctx context.Context, exec execer, p *storage.PutParams, data []byte) (bool, error) {
	if p.Version == 0 {
		_, err := exec(ctx, s.st.insert, p.ID, data)
		var myErr *driver.MySQLError
		if errors.As(err, &myErr) && myErr.Number == errDuplicateKey {
			return false, nil
		}
		return err == nil, err
	}
	res, err := exec(ctx, s.st.update, data, p.ID, p.Version)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Delete implements storage.Storage.
func (s *Store) Delete(ctx context.Context, p *storage.DeleteParams) error {
	if err := s.check(ctx, "delete", p.ID); err != nil {
		return err
	}
	res, err := s.db.ExecContext(ctx, s.q.delete, p.ID, p.Version)
	if err != nil {
		return s.fail("delete", p.ID, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 1 {
		return nil
	}
	var exists bool
	if err := s.db.QueryRowContext(ctx, s.q.exists, p.ID).Scan(&exists); err != nil {
		return s.fail("delete", p.ID, err)
	}
	if exists {
		return fmt.Errorf("mysql storage: delete %q at version %d: %w", p.ID, p.Version, storage.ErrConflict)
	}
	return fmt.Errorf("mysql storage: delete %q: %w", p.ID, storage.ErrNotFound)
}

// AddTag implements storage.Storage.
func (s *Store) AddTag(ctx context.Context, p *storage.TagParams) error {
	if err := s.check(ctx, "add tag", p.Tag); err != nil {
		return err
	}
	if _, err := s.db.ExecContext(ctx, s.q.addTag, p.Tag, p.ID); err != nil {
		return s.fail("add tag", p.Tag, err)
	}
	return nil
}

// RemoveTag implements storage.Storage.
func (s *Store) RemoveTag(ctx context.Context, p *storage.TagParams) error {
	if err := s.check(ctx, "remove tag", p.Tag); err != nil {
		return err
	}
	if _, err := s.db.ExecContext(ctx, s.q.removeTag, p.Tag, p.ID); err != nil {
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
	rows, err := s.db.QueryContext(ctx, s.q.listTag, p.Tag, p.After, limit)
	if err != nil {
		return nil, s.fail("list tag", p.Tag, err)
	}
	defer rows.Close()
	ids := []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, s.fail("list tag", p.Tag, err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail("list tag", p.Tag, err)
	}
	return ids, nil
}

package redis

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/storage/internal/groupcommit"
)

// LayoutVersion is the key layout this package writes.
const LayoutVersion = 1

// Option configures Open.
type Option func(*options)

type options struct {
	client   goredis.Options
	prefix   string
	maxBatch int
}

// WithKeyPrefix sets the prefix of every key (default "infgen:").
func WithKeyPrefix(p string) Option { return func(o *options) { o.prefix = p } }

// WithPassword sets the password (AUTH).
func WithPassword(pw string) Option { return func(o *options) { o.client.Password = pw } }

// WithDB selects the logical database.
func WithDB(db int) Option { return func(o *options) { o.client.DB = db } }

// WithMaxBatch caps how many concurrent writes are sent together, in one
// pipeline (default 64; 1 sends each write on its own).
func WithMaxBatch(n int) Option { return func(o *options) { o.maxBatch = n } }

// WithPoolSize caps the connection pool (default: 10 per CPU).
func WithPoolSize(n int) Option { return func(o *options) { o.client.PoolSize = n } }

// Store is a storage.Storage on Redis. It is safe for concurrent use.
type Store struct {
	c      *goredis.Client
	prefix string
	closed atomic.Bool
	// puts sends concurrent writes together (see commitPuts).
	puts *groupcommit.Queue[*putReq]
}

var _ storage.Storage = (*Store)(nil)

// Open connects to the server at addr ("host:port", or a redis:// URL),
// checks the key layout, and returns the store.
func Open(ctx context.Context, addr string, opts ...Option) (*Store, error) {
	o := options{client: goredis.Options{Addr: addr}, prefix: "infgen:", maxBatch: 64}
	if strings.HasPrefix(addr, "redis://") || strings.HasPrefix(addr, "rediss://") {
		parsed, err := goredis.ParseURL(addr)
		if err != nil {
			return nil, fmt.Errorf("redis storage: parse URL: %w", err)
		}
		o.client = *parsed
	}
	for _, opt := range opts {
		opt(&o)
	}
	o.client.MaxRetries = -1 // see the package documentation
	o.client.DisableIdentity = true
	c := goredis.NewClient(&o.client)
	s := &Store{c: c, prefix: o.prefix}
	s.puts = groupcommit.New(o.maxBatch, s.commitPuts)
	if err := s.checkLayout(ctx); err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("redis storage: %s: %w", o.client.Addr, err)
	}
	return s, nil
}

func (s *Store) checkLayout(ctx context.Context) error {
	key := s.prefix + "schema"
	if err := s.c.SetNX(ctx, key, LayoutVersion, 0).Err(); err != nil {
		return fmt.Errorf("record the layout version at %s: %w", key, err)
	}
	v, err := s.c.Get(ctx, key).Int()
	if err != nil {
		return fmt.Errorf("read the layout version at %s: %w", key, err)
	}
	if v > LayoutVersion {
		return fmt.Errorf("key layout version %d at %s is newer than this build knows (%d): upgrade infgen", v, key, LayoutVersion)
	}
	return nil
}

// Close closes the client. Later calls return storage.ErrClosed.
func (s *Store) Close() error {
	if s.closed.CompareAndSwap(false, true) {
		if err := s.c.Close(); err != nil {
			return fmt.Errorf("redis storage: close: %w", err)
		}
	}
	return nil
}

func (s *Store) recordKey(id string) string { return s.prefix + "r:" + id }
func (s *Store) tagKey(tag string) string   { return s.prefix + "t:" + tag }

// check fails fast on a closed store or a finished context.
func (s *Store) check(ctx context.Context, op, id string) error {
	if s.closed.Load() {
		return fmt.Errorf("redis storage: %s %q: %w", op, id, storage.ErrClosed)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("redis storage: %s %q: %w", op, id, err)
	}
	return nil
}

// fail wraps a client error with the operation and id.
func (s *Store) fail(op, id string, err error) error {
	if s.closed.Load() || errors.Is(err, goredis.ErrClosed) {
		return fmt.Errorf("redis storage: %s %q: %w", op, id, storage.ErrClosed)
	}
	return fmt.Errorf("redis storage: %s %q: %w", op, id, err)
}

// Get implements storage.Storage.
func (s *Store) Get(ctx context.Context, p *storage.GetParams) (*storage.Record, error) {
	if err := s.check(ctx, "get", p.ID); err != nil {
		return nil, err
	}
	vals, err := s.c.HMGet(ctx, s.recordKey(p.ID), "v", "d").Result()
	if err != nil {
		return nil, s.fail("get", p.ID, err)
	}
	vs, ok1 := vals[0].(string)
	ds, ok2 := vals[1].(string)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("redis storage: get %q: %w", p.ID, storage.ErrNotFound)
	}
	v, err := strconv.ParseInt(vs, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("redis storage: get %q: version field %q: %w", p.ID, vs, err)
	}
	return &storage.Record{ID: p.ID, Version: v, Data: []byte(ds)}, nil
}

// Put implements storage.Storage. The new version is p.Version+1.
func (s *Store) Put(ctx context.Context, p *storage.PutParams) (int64, error) {
	if err := s.check(ctx, "put", p.ID); err != nil {
		return 0, err
	}
	data := p.Data
	if data == nil {
		data = []byte{}
	}
	req := &putReq{ctx: ctx, p: p, data: data}
	if err := s.puts.Do(req); err != nil {
		return 0, s.fail("put", p.ID, err)
	}
	if req.version < 0 {
		return 0, fmt.Errorf("redis storage: put %q at version %d: %w", p.ID, p.Version, storage.ErrConflict)
	}
	return req.version, nil
}

// putReq is one Put waiting for its batch.
type putReq struct {
	ctx  context.Context
	p    *storage.PutParams
	data []byte
	// version is the script's answer: the new version, -1 on a conflict.
	version int64
}

// script returns the keys and arguments of a write's putScript call.
func (s *Store) script(p *storage.PutParams, data []byte) ([]string, []any) {
	keys := make([]string, 0, 1+len(p.AddTags)+len(p.RemoveTags))
	keys = append(keys, s.recordKey(p.ID))
	for _, t := range p.AddTags {
		keys = append(keys, s.tagKey(t))
	}
	for _, t := range p.RemoveTags {
		keys = append(keys, s.tagKey(t))
	}
	return keys, []any{p.Version, data, len(p.AddTags), p.ID}
}

// commitPuts sends a batch of concurrent Puts in one pipeline: one round
// trip for all, each write still its own atomic script. A write refused
// because the server does not have the script yet is sent again on its own
// (Run loads the script); any other error is that write's, as it would be
// alone.
func (s *Store) commitPuts(batch []*putReq) []error {
	errs := make([]error, len(batch))
	alone := func(i int) {
		r := batch[i]
		keys, args := s.script(r.p, r.data)
		r.version, errs[i] = putScript.Run(r.ctx, s.c, keys, args...).Int64()
	}
	var live []int
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		live = append(live, i)
	}
	if len(live) == 1 {
		alone(live[0])
		return errs
	}
	if len(live) == 0 {
		return errs
	}
	ctx, cancel := batchContext(batch, live)
	defer cancel()
	pipe := s.c.Pipeline()
	cmds := make([]*goredis.Cmd, len(live))
	for j, i := range live {
		keys, args := s.script(batch[i].p, batch[i].data)
		cmds[j] = putScript.EvalSha(ctx, pipe, keys, args...)
	}
	_, _ = pipe.Exec(ctx)
	for j, i := range live {
		v, err := cmds[j].Int64()
		switch {
		case err != nil && goredis.HasErrorPrefix(err, "NOSCRIPT"):
			alone(i)
		case err != nil:
			errs[i] = err
		default:
			batch[i].version = v
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
	r, err := deleteScript.Run(ctx, s.c, []string{s.recordKey(p.ID)}, p.Version).Int64()
	if err != nil {
		return s.fail("delete", p.ID, err)
	}
	switch r {
	case 0:
		return nil
	case -2:
		return fmt.Errorf("redis storage: delete %q: %w", p.ID, storage.ErrNotFound)
	default:
		return fmt.Errorf("redis storage: delete %q at version %d: %w", p.ID, p.Version, storage.ErrConflict)
	}
}

// AddTag implements storage.Storage.
func (s *Store) AddTag(ctx context.Context, p *storage.TagParams) error {
	if err := s.check(ctx, "add tag", p.Tag); err != nil {
		return err
	}
	if err := s.c.ZAdd(ctx, s.tagKey(p.Tag), goredis.Z{Member: p.ID}).Err(); err != nil {
		return s.fail("add tag", p.Tag, err)
	}
	return nil
}

// RemoveTag implements storage.Storage.
func (s *Store) RemoveTag(ctx context.Context, p *storage.TagParams) error {
	if err := s.check(ctx, "remove tag", p.Tag); err != nil {
		return err
	}
	if err := s.c.ZRem(ctx, s.tagKey(p.Tag), p.ID).Err(); err != nil {
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
	start := "-"
	if p.After != "" {
		start = "(" + p.After
	}
	ids, err := s.c.ZRangeArgs(ctx, goredis.ZRangeArgs{
		Key: s.tagKey(p.Tag), Start: start, Stop: "+", ByLex: true, Count: int64(limit),
	}).Result()
	if err != nil {
		return nil, s.fail("list tag", p.Tag, err)
	}
	if ids == nil {
		ids = []string{}
	}
	return ids, nil
}

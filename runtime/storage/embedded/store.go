package embedded

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/infgen/infgen/runtime/storage"
)

var (
	bucketRecords = []byte("records")
	bucketTags    = []byte("tags")
)

// Option configures Open.
type Option func(*config)

type config struct {
	lockTimeout time.Duration
	maxBatch    int
	mode        os.FileMode
}

// WithLockTimeout sets how long Open waits for another process to release
// the file lock before failing (default 1s).
func WithLockTimeout(d time.Duration) Option { return func(c *config) { c.lockTimeout = d } }

// WithMaxBatch caps how many waiting writes are committed in one transaction
// (default 256).
func WithMaxBatch(n int) Option { return func(c *config) { c.maxBatch = n } }

// WithFileMode sets the permissions of a newly created file (default 0o600).
func WithFileMode(m os.FileMode) Option { return func(c *config) { c.mode = m } }

// Store is a storage.Storage kept in one local bbolt file. It is safe for
// concurrent use.
type Store struct {
	db   *bolt.DB
	path string

	mu     sync.RWMutex // held for reading by every operation, for writing by Close
	closed bool
	broken atomic.Pointer[DamagedError] // set when bbolt panicked on the file

	qmu        sync.Mutex // guards queue and committing
	queue      []*write   // writes waiting for the next commit
	committing bool       // a leader is committing (see update)
	maxBatch   int
}

var _ storage.Storage = (*Store)(nil)

// Open opens the storage file at path, creating it when it does not exist.
// The file's directory must exist.
//
// A file that exists is checked before bbolt maps it: an empty file, a
// truncated or corrupt one, or one that is not an infgen state file is
// refused with a *DamagedError (errors.Is(err, ErrDamaged)) naming the file
// and the problem, never replaced and never a panic. The check reads every
// page of the file's trees once (not the values), as bbolt's own Open does.
func Open(path string, opts ...Option) (*Store, error) {
	cfg := config{lockTimeout: time.Second, maxBatch: 256, mode: 0o600}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.maxBatch < 1 {
		cfg.maxBatch = 1
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := create(path, abs, cfg); err != nil {
			return nil, err
		}
		st, err = os.Stat(path)
	}
	switch {
	case err != nil:
		return nil, fmt.Errorf("embedded storage: open %s: %w", abs, err)
	case !st.Mode().IsRegular():
		return nil, &DamagedError{Path: abs, Problem: "it is not a regular file", NotStateFile: true}
	default:
		if err := check(path, abs, st.Size(), cfg); err != nil {
			return nil, err
		}
	}
	db, err := openBolt(path, abs, cfg)
	if err != nil {
		return nil, err
	}
	s := &Store{
		db:       db,
		path:     abs,
		maxBatch: cfg.maxBatch,
	}
	err = s.guard(func() error {
		return db.Update(func(tx *bolt.Tx) error {
			for _, b := range [][]byte{bucketRecords, bucketTags} {
				if _, err := tx.CreateBucketIfNotExists(b); err != nil {
					return fmt.Errorf("create bucket %s: %w", b, err)
				}
			}
			return nil
		})
	})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("embedded storage: initialise %s: %w", abs, err)
	}
	return s, nil
}

// create makes a new, empty state file at path, atomically: it is built
// beside it under a temporary name (meta pages and buckets, fsynced), then
// linked into place, so that a crash at any moment leaves either no file
// at path or a complete one, never an empty or half-made one (which Open
// refuses). When another process creates path meanwhile, its file is kept.
func create(path, abs string, cfg config) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".new-*")
	if err != nil {
		return fmt.Errorf("embedded storage: create %s: %w", abs, err)
	}
	tmp := f.Name()
	_ = f.Close()
	defer os.Remove(tmp)
	if err := os.Remove(tmp); err != nil { // bbolt initialises only a missing or empty file
		return fmt.Errorf("embedded storage: create %s: %w", abs, err)
	}
	db, err := openBolt(tmp, abs, cfg)
	if err != nil {
		return err
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketRecords, bucketTags} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return fmt.Errorf("create bucket %s: %w", b, err)
			}
		}
		return nil
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("embedded storage: initialise %s: %w", abs, err)
	}
	if err := os.Chmod(tmp, cfg.mode); err != nil {
		return fmt.Errorf("embedded storage: create %s: %w", abs, err)
	}
	if err := os.Link(tmp, path); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("embedded storage: create %s: %w", abs, err)
	}
	if d, err := os.Open(dir); err == nil { // make the new name durable
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// lockedError is the error for a file another process holds, named as the
// caller named it.
func lockedError(path string, cfg config, err error) error {
	return fmt.Errorf("embedded storage: %s is locked by another process (waited %s); stop it or use another file: %w",
		path, cfg.lockTimeout, err)
}

// check checks an existing file under a shared lock, so that no writer
// changes it meanwhile: bbolt opens it read-only first, which reads no page
// but the two meta pages.
func check(path, abs string, size int64, cfg config) error {
	if size == 0 {
		return checkFile(nil, abs, 0)
	}
	ro, err := func() (db *bolt.DB, err error) {
		defer func() {
			if r := recover(); r != nil {
				db, err = nil, fmt.Errorf("bbolt cannot open it: %v", r)
			}
		}()
		return bolt.Open(path, cfg.mode, &bolt.Options{Timeout: cfg.lockTimeout, ReadOnly: true})
	}()
	if errors.Is(err, bolterrors.ErrTimeout) {
		return lockedError(path, cfg, err)
	}
	if ro != nil {
		defer ro.Close()
	}
	f, ferr := os.Open(path)
	if ferr != nil {
		return fmt.Errorf("embedded storage: open %s: %w", abs, ferr)
	}
	defer f.Close()
	st, ferr := f.Stat()
	if ferr != nil {
		return fmt.Errorf("embedded storage: open %s: %w", abs, ferr)
	}
	src, release := mapFile(f, st.Size())
	defer release()
	if cerr := checkGuarded(src, abs, st.Size()); cerr != nil {
		return cerr
	}
	if err != nil {
		// bbolt refused a file the check accepts: still damaged.
		return &DamagedError{Path: abs, Problem: err.Error()}
	}
	return nil
}

// checkGuarded runs checkFile, turning a fault on the mapped file (another
// program truncated it meanwhile) into an error.
func checkGuarded(src source, abs string, size int64) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = &DamagedError{Path: abs, Problem: fmt.Sprintf("reading it failed: %v (did another program change it?)", r)}
		}
	}()
	return checkFile(src, abs, size)
}

// openBolt opens the file with bbolt, turning a panic inside bbolt (on a
// damage the check missed) into an error.
func openBolt(path, abs string, cfg config) (db *bolt.DB, err error) {
	defer func() {
		if r := recover(); r != nil {
			db, err = nil, &DamagedError{Path: abs, Problem: fmt.Sprintf("bbolt cannot open it: %v", r)}
		}
	}()
	db, err = bolt.Open(path, cfg.mode, &bolt.Options{
		Timeout:        cfg.lockTimeout,
		NoFreelistSync: true, // the freelist is rebuilt on open; commits stay fsynced
		FreelistType:   bolt.FreelistMapType,
	})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, lockedError(path, cfg, err)
	}
	if err != nil {
		return nil, fmt.Errorf("embedded storage: open %s: %w", abs, err)
	}
	return db, nil
}

// view runs fn in a read transaction under guard.
func (s *Store) view(fn func(*bolt.Tx) error) error {
	return s.guard(func() error { return s.db.View(fn) })
}

// guard runs fn, which uses the bbolt file, turning a panic inside bbolt
// into a *DamagedError naming the file: a corrupt page met after Open (bbolt
// asserts on those), or a fault reading the mapped file after something
// truncated it (SetPanicOnFault makes that a panic rather than a crash).
// The store then refuses every later operation with the same error, rather
// than keep writing into a damaged file.
func (s *Store) guard(fn func() error) (err error) {
	if d := s.broken.Load(); d != nil {
		return d
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			d := &DamagedError{Path: s.path, Problem: fmt.Sprintf("bbolt failed on it: %v", r)}
			s.broken.CompareAndSwap(nil, d)
			err = s.broken.Load()
		}
	}()
	return fn()
}

// Path returns the absolute path of the storage file.
func (s *Store) Path() string { return s.path }

// Close waits for running operations and closes the file. Operations after Close return storage.ErrClosed; closing twice is a
// no-op.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("embedded storage: close %s: %w", s.path, err)
	}
	return nil
}

// begin checks that the store is open and ctx is live, and holds the read
// lock until the returned func is called.
func (s *Store) begin(ctx context.Context, op, id string) (func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("embedded storage: %s %q: %w", op, id, err)
	}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return nil, fmt.Errorf("embedded storage: %s %q: %w", op, id, storage.ErrClosed)
	}
	return s.mu.RUnlock, nil
}

// Get implements storage.Storage.
func (s *Store) Get(ctx context.Context, p *storage.GetParams) (*storage.Record, error) {
	end, err := s.begin(ctx, "get", p.ID)
	if err != nil {
		return nil, err
	}
	defer end()
	var rec *storage.Record
	err = s.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketRecords).Get([]byte(p.ID))
		if v == nil {
			return nil
		}
		if len(v) < 8 {
			return fmt.Errorf("record is %d bytes, shorter than its version header", len(v))
		}
		rec = &storage.Record{
			ID:      p.ID,
			Version: int64(binary.BigEndian.Uint64(v)),
			Data:    append([]byte{}, v[8:]...),
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("embedded storage: get %q from %s: %w", p.ID, s.path, err)
	}
	if rec == nil {
		return nil, fmt.Errorf("embedded storage: get %q: %w", p.ID, storage.ErrNotFound)
	}
	return rec, nil
}

// currentVersion returns the stored version of id (0 and false if absent).
func currentVersion(b *bolt.Bucket, id []byte) (int64, bool) {
	v := b.Get(id)
	if len(v) < 8 {
		return 0, v != nil
	}
	return int64(binary.BigEndian.Uint64(v)), true
}

// Put implements storage.Storage. The new version is p.Version+1.
func (s *Store) Put(ctx context.Context, p *storage.PutParams) (int64, error) {
	end, err := s.begin(ctx, "put", p.ID)
	if err != nil {
		return 0, err
	}
	defer end()
	key := []byte(p.ID)
	val := make([]byte, 8+len(p.Data))
	binary.BigEndian.PutUint64(val, uint64(p.Version+1))
	copy(val[8:], p.Data)
	var conflict bool
	err = s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRecords)
		cur, ok := currentVersion(b, key)
		conflict = cur != p.Version || (!ok && p.Version != 0)
		if conflict {
			return nil
		}
		if err := b.Put(key, val); err != nil {
			return err
		}
		tags := tx.Bucket(bucketTags)
		for _, t := range p.AddTags {
			if err := tags.Put(tagKey(t, p.ID), nil); err != nil {
				return err
			}
		}
		for _, t := range p.RemoveTags {
			if err := tags.Delete(tagKey(t, p.ID)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("embedded storage: put %q in %s: %w", p.ID, s.path, err)
	}
	if conflict {
		return 0, fmt.Errorf("embedded storage: put %q at version %d: %w", p.ID, p.Version, storage.ErrConflict)
	}
	return p.Version + 1, nil
}

// Delete implements storage.Storage.
func (s *Store) Delete(ctx context.Context, p *storage.DeleteParams) error {
	end, err := s.begin(ctx, "delete", p.ID)
	if err != nil {
		return err
	}
	defer end()
	key := []byte(p.ID)
	var outcome error
	err = s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRecords)
		cur, ok := currentVersion(b, key)
		switch {
		case !ok:
			outcome = storage.ErrNotFound
		case cur != p.Version:
			outcome = storage.ErrConflict
		default:
			outcome = nil
			return b.Delete(key)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("embedded storage: delete %q in %s: %w", p.ID, s.path, err)
	}
	if outcome != nil {
		return fmt.Errorf("embedded storage: delete %q at version %d: %w", p.ID, p.Version, outcome)
	}
	return nil
}

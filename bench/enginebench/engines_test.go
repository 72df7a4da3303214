//go:build enginebench

package enginebench

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
	_ "modernc.org/sqlite"

	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/storage/embedded"
)

// errConflict reports a version mismatch in the engines under test.
var errConflict = errors.New("conflict")

// engine is the smallest interface the benchmark needs: versioned get and
// compare-and-set put of one record.
type engine interface {
	get(id string) (version int64, data []byte, err error)
	put(id string, version int64, data []byte) error
	close() error
}

// storeEngine runs on infgen's embedded.Store (bbolt + group committer).
type storeEngine struct{ s *embedded.Store }

func (e storeEngine) get(id string) (int64, []byte, error) {
	r, err := e.s.Get(context.Background(), &storage.GetParams{ID: id})
	if errors.Is(err, storage.ErrNotFound) {
		return 0, nil, nil
	}
	if err != nil {
		return 0, nil, err
	}
	return r.Version, r.Data, nil
}

func (e storeEngine) put(id string, v int64, d []byte) error {
	_, err := e.s.Put(context.Background(), &storage.PutParams{ID: id, Version: v, Data: d})
	return err
}

func (e storeEngine) close() error { return e.s.Close() }

// boltEngine runs on plain bbolt, either one db.Update per write or db.Batch.
type boltEngine struct {
	db    *bolt.DB
	batch bool
}

var bucket = []byte("records")

func openBolt(path string, batch bool, delay time.Duration) (engine, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{NoFreelistSync: true, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return nil, err
	}
	db.MaxBatchDelay = delay
	err = db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucketIfNotExists(bucket); return err })
	return &boltEngine{db: db, batch: batch}, err
}

func (e *boltEngine) get(id string) (v int64, d []byte, err error) {
	err = e.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket).Get([]byte(id))
		if b != nil {
			v, d = int64(binary.BigEndian.Uint64(b)), append([]byte{}, b[8:]...)
		}
		return nil
	})
	return v, d, err
}

func (e *boltEngine) put(id string, v int64, d []byte) error {
	val := make([]byte, 8+len(d))
	binary.BigEndian.PutUint64(val, uint64(v+1))
	copy(val[8:], d)
	conflict := false
	fn := func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		cur := b.Get([]byte(id))
		conflict = (cur == nil && v != 0) || (cur != nil && int64(binary.BigEndian.Uint64(cur)) != v)
		if conflict {
			return nil
		}
		return b.Put([]byte(id), val)
	}
	var err error
	if e.batch {
		err = e.db.Batch(fn)
	} else {
		err = e.db.Update(fn)
	}
	if err == nil && conflict {
		return errConflict
	}
	return err
}

func (e *boltEngine) close() error { return e.db.Close() }

// sqliteEngine runs on modernc.org/sqlite in WAL mode.
type sqliteEngine struct{ db *sql.DB }

func openSQLite(path, synchronous string) (engine, error) {
	dsn := fmt.Sprintf("file:%s?_pragma=journal_mode(WAL)&_pragma=synchronous(%s)&_pragma=busy_timeout(30000)&_txlock=immediate",
		path, synchronous)
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	_, err = db.Exec(`CREATE TABLE IF NOT EXISTS records (id TEXT PRIMARY KEY, version INTEGER NOT NULL, data BLOB NOT NULL) WITHOUT ROWID`)
	return &sqliteEngine{db: db}, err
}

func (e *sqliteEngine) get(id string) (v int64, d []byte, err error) {
	err = e.db.QueryRow(`SELECT version, data FROM records WHERE id = ?`, id).Scan(&v, &d)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, nil
	}
	return v, d, err
}

func (e *sqliteEngine) put(id string, v int64, d []byte) error {
	var res sql.Result
	var err error
	if v == 0 {
		res, err = e.db.Exec(`INSERT INTO records (id, version, data) VALUES (?, 1, ?) ON CONFLICT (id) DO NOTHING`, id, d)
	} else {
		res, err = e.db.Exec(`UPDATE records SET version = version + 1, data = ? WHERE id = ? AND version = ?`, d, id, v)
	}
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errConflict
	}
	return nil
}

func (e *sqliteEngine) close() error { return e.db.Close() }

type opener struct {
	name string
	open func(path string) (engine, error)
}

var engines = []opener{
	{"bbolt-groupcommit", func(p string) (engine, error) {
		s, err := embedded.Open(p)
		return storeEngine{s}, err
	}},
	{"bbolt-batch-10ms", func(p string) (engine, error) { return openBolt(p, true, 10*time.Millisecond) }},
	{"bbolt-batch-1ms", func(p string) (engine, error) { return openBolt(p, true, time.Millisecond) }},
	{"bbolt-update", func(p string) (engine, error) { return openBolt(p, false, 0) }},
	{"sqlite-wal-full", func(p string) (engine, error) { return openSQLite(p, "FULL") }},
	{"sqlite-wal-normal", func(p string) (engine, error) { return openSQLite(p, "NORMAL") }},
	{"sqlite-wal-full-groupcommit", func(p string) (engine, error) { return openSQLiteGroup(p, "FULL") }},
}

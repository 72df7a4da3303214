//go:build enginebench

package enginebench

import (
	"context"
	"database/sql"
	"fmt"
)

// sqliteGroupEngine gives SQLite the same group commit as infgen's bbolt
// store: one committer goroutine applies every waiting write in one
// transaction on a dedicated connection, so the comparison is of engines,
// not of batching.
type sqliteGroupEngine struct {
	reads  *sql.DB
	writer *sql.Conn
	db     *sql.DB
	reqs   chan *sqlWrite
	stop   chan struct{}
}

type sqlWrite struct {
	id      string
	version int64
	data    []byte
	done    chan error
}

func openSQLiteGroup(path, synchronous string) (engine, error) {
	e, err := openSQLite(path, synchronous)
	if err != nil {
		return nil, err
	}
	reads := e.(*sqliteEngine).db
	w, err := sql.Open("sqlite", fmt.Sprintf("file:%s?_pragma=journal_mode(WAL)&_pragma=synchronous(%s)&_pragma=busy_timeout(30000)",
		path, synchronous))
	if err != nil {
		return nil, err
	}
	conn, err := w.Conn(context.Background())
	if err != nil {
		return nil, err
	}
	g := &sqliteGroupEngine{reads: reads, writer: conn, db: w, reqs: make(chan *sqlWrite), stop: make(chan struct{})}
	go g.loop()
	return g, nil
}

func (g *sqliteGroupEngine) get(id string) (int64, []byte, error) {
	return (&sqliteEngine{db: g.reads}).get(id)
}

func (g *sqliteGroupEngine) put(id string, v int64, d []byte) error {
	w := &sqlWrite{id: id, version: v, data: d, done: make(chan error, 1)}
	g.reqs <- w
	return <-w.done
}

func (g *sqliteGroupEngine) loop() {
	ctx := context.Background()
	for {
		var batch []*sqlWrite
		select {
		case w := <-g.reqs:
			batch = append(batch, w)
		case <-g.stop:
			return
		}
	collect:
		for len(batch) < 256 {
			select {
			case w := <-g.reqs:
				batch = append(batch, w)
			default:
				break collect
			}
		}
		results := make([]error, len(batch))
		tx, err := g.writer.BeginTx(ctx, nil)
		if err == nil {
			for i, w := range batch {
				results[i] = execPut(ctx, tx, w)
			}
			err = tx.Commit()
		}
		for i, w := range batch {
			if err != nil {
				w.done <- err
			} else {
				w.done <- results[i]
			}
		}
	}
}

func execPut(ctx context.Context, tx *sql.Tx, w *sqlWrite) error {
	var res sql.Result
	var err error
	if w.version == 0 {
		res, err = tx.ExecContext(ctx, `INSERT INTO records (id, version, data) VALUES (?, 1, ?) ON CONFLICT (id) DO NOTHING`, w.id, w.data)
	} else {
		res, err = tx.ExecContext(ctx, `UPDATE records SET version = version + 1, data = ? WHERE id = ? AND version = ?`, w.data, w.id, w.version)
	}
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errConflict
	}
	return nil
}

func (g *sqliteGroupEngine) close() error {
	close(g.stop)
	_ = g.writer.Close()
	_ = g.db.Close()
	return g.reads.Close()
}

package mysql

import (
	"context"
	"database/sql"
	"fmt"
)

// queries are the statements of one table prefix.
type queries struct {
	get, insert, update, delete, exists string
	addTag, removeTag, listTag          string
}

func newQueries(prefix string) queries {
	r, t := prefix+"records", prefix+"tags"
	return queries{
		get:       `SELECT version, data FROM ` + r + ` WHERE id = ?`,
		insert:    `INSERT INTO ` + r + ` (id, version, data) VALUES (?, 1, ?)`,
		update:    `UPDATE ` + r + ` SET version = version + 1, data = ? WHERE id = ? AND version = ?`,
		delete:    `DELETE FROM ` + r + ` WHERE id = ? AND version = ?`,
		exists:    `SELECT EXISTS (SELECT 1 FROM ` + r + ` WHERE id = ?)`,
		addTag:    `INSERT INTO ` + t + ` (tag, id) VALUES (?, ?) ON DUPLICATE KEY UPDATE id = id`,
		removeTag: `DELETE FROM ` + t + ` WHERE tag = ? AND id = ?`,
		listTag:   `SELECT id FROM ` + t + ` WHERE tag = ? AND id > ? ORDER BY id LIMIT ?`,
	}
}

// migrations are applied in order; schema version n means migrations[:n]
// have run. Each is a list of statements (MySQL DDL is not transactional).
// Append, never edit.
func migrations(prefix string) [][]string {
	return [][]string{{
		`CREATE TABLE IF NOT EXISTS ` + prefix + `records (
			id      VARBINARY(768) NOT NULL PRIMARY KEY,
			version BIGINT NOT NULL,
			data    LONGBLOB NOT NULL
		) ENGINE=InnoDB`,
		`CREATE TABLE IF NOT EXISTS ` + prefix + `tags (
			tag VARBINARY(768) NOT NULL,
			id  VARBINARY(768) NOT NULL,
			PRIMARY KEY (tag, id)
		) ENGINE=InnoDB`,
	}}
}

// SchemaVersion is the schema version this package creates.
const SchemaVersion = 1

// migrate brings the schema up to date while holding a named lock, so
// concurrent Opens wait for each other. Every statement is idempotent, so a
// migration interrupted half-way is simply run again.
func migrate(ctx context.Context, db *sql.DB, prefix string) (err error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	var got sql.NullInt64
	if err := conn.QueryRowContext(ctx, `SELECT GET_LOCK(CONCAT(DATABASE(), '.', ?), 60)`, prefix+"schema").Scan(&got); err != nil {
		return fmt.Errorf("take the schema lock: %w", err)
	}
	if !got.Valid || got.Int64 != 1 {
		return fmt.Errorf("take the schema lock: another process held it for 60s")
	}
	defer func() {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), `SELECT RELEASE_LOCK(CONCAT(DATABASE(), '.', ?))`, prefix+"schema")
	}()

	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS `+prefix+`schema (version INT NOT NULL) ENGINE=InnoDB`); err != nil {
		return fmt.Errorf("create %sschema: %w", prefix, err)
	}
	var current int
	if err := conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM `+prefix+`schema`).Scan(&current); err != nil {
		return fmt.Errorf("read the schema version: %w", err)
	}
	all := migrations(prefix)
	if current > len(all) {
		return fmt.Errorf("schema version %d is newer than this build knows (%d): upgrade infgen", current, len(all))
	}
	for v := current + 1; v <= len(all); v++ {
		for _, stmt := range all[v-1] {
			if _, err := conn.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("migrate to schema version %d: %w", v, err)
			}
		}
	}
	if current == len(all) {
		return nil
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record the schema version: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, `DELETE FROM `+prefix+`schema`); err != nil {
		return fmt.Errorf("record the schema version: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO `+prefix+`schema (version) VALUES (?)`, len(all)); err != nil {
		return fmt.Errorf("record the schema version: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record the schema version: %w", err)
	}
	return nil
}

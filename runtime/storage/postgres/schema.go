package postgres

import (
	"context"
	"fmt"
	"hash/fnv"

	"github.com/jackc/pgx/v5"
)

// queries are the statements of one table prefix.
type queries struct {
	get, insert, update, delete    string
	insertWithTags, updateWithTags string
	addTag, removeTag, listTag     string
}

func newQueries(prefix string) queries {
	r, t := prefix+"records", prefix+"tags"
	return queries{
		get:    `SELECT version, data FROM ` + r + ` WHERE id = $1`,
		insert: `INSERT INTO ` + r + ` (id, version, data) VALUES ($1, 1, $2) ON CONFLICT (id) DO NOTHING`,
		update: `UPDATE ` + r + ` SET version = version + 1, data = $2 WHERE id = $1 AND version = $3`,
		// One round trip: delete at the version, and tell a conflict from a missing row.
		delete: `WITH d AS (DELETE FROM ` + r + ` WHERE id = $1 AND version = $2 RETURNING 1)
			SELECT EXISTS (SELECT 1 FROM d), EXISTS (SELECT 1 FROM ` + r + ` WHERE id = $1)`,
		// A write and its tag changes in one statement (one snapshot, one
		// transaction): the tag CTEs only act when the write matched a row.
		insertWithTags: `WITH w AS (INSERT INTO ` + r + ` (id, version, data) VALUES ($1, 1, $2)
				ON CONFLICT (id) DO NOTHING RETURNING id)` + tagCTEs(t, 3),
		updateWithTags: `WITH w AS (UPDATE ` + r + ` SET version = version + 1, data = $2
				WHERE id = $1 AND version = $3 RETURNING id)` + tagCTEs(t, 4),
		addTag:    `INSERT INTO ` + t + ` (tag, id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
		removeTag: `DELETE FROM ` + t + ` WHERE tag = $1 AND id = $2`,
		listTag:   `SELECT id FROM ` + t + ` WHERE tag = $1 AND id > $2 ORDER BY id LIMIT $3`,
	}
}

// tagCTEs adds the tags in parameter $n and removes those in $n+1 when the
// write CTE w returned a row, and counts the rows w wrote.
func tagCTEs(t string, n int) string {
	add, remove := fmt.Sprintf("$%d::text[]", n), fmt.Sprintf("$%d::text[]", n+1)
	return `,
		a AS (INSERT INTO ` + t + ` (tag, id) SELECT tag, w.id FROM w, unnest(` + add + `) AS tag
			ON CONFLICT DO NOTHING),
		r AS (DELETE FROM ` + t + ` WHERE id = $1 AND tag = ANY(` + remove + `) AND EXISTS (SELECT 1 FROM w))
		SELECT count(*) FROM w`
}

// migrations are applied in order; schema version n means migrations[:n]
// have run. Append, never edit.
func migrations(prefix string) []string {
	return []string{
		`CREATE TABLE IF NOT EXISTS ` + prefix + `records (
			id      text COLLATE "C" PRIMARY KEY,
			version bigint NOT NULL,
			data    bytea NOT NULL
		);
		CREATE TABLE IF NOT EXISTS ` + prefix + `tags (
			tag text COLLATE "C" NOT NULL,
			id  text COLLATE "C" NOT NULL,
			PRIMARY KEY (tag, id)
		)`,
	}
}

// SchemaVersion is the schema version this package creates.
const SchemaVersion = 1

// migrate brings the schema up to date inside one transaction holding an
// advisory lock, so concurrent Opens wait for each other instead of racing on
// CREATE TABLE.
func (s *Store) migrate(ctx context.Context, prefix string) error {
	h := fnv.New64a()
	h.Write([]byte("infgen storage schema " + prefix))
	lockKey := int64(h.Sum64())

	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockKey); err != nil {
			return fmt.Errorf("take the schema lock: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+prefix+`schema (version int NOT NULL)`); err != nil {
			return fmt.Errorf("create %sschema: %w", prefix, err)
		}
		var current int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM `+prefix+`schema`).Scan(&current); err != nil {
			return fmt.Errorf("read the schema version: %w", err)
		}
		all := migrations(prefix)
		if current > len(all) {
			return fmt.Errorf("schema version %d is newer than this build knows (%d): upgrade infgen", current, len(all))
		}
		for v := current + 1; v <= len(all); v++ {
			if _, err := tx.Exec(ctx, all[v-1]); err != nil {
				return fmt.Errorf("migrate to schema version %d: %w", v, err)
			}
		}
		if current < len(all) {
			if _, err := tx.Exec(ctx, `DELETE FROM `+prefix+`schema`); err != nil {
				return fmt.Errorf("record the schema version: %w", err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO `+prefix+`schema (version) VALUES ($1)`, len(all)); err != nil {
				return fmt.Errorf("record the schema version: %w", err)
			}
		}
		return nil
	})
}

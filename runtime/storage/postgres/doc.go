// Package postgres keeps infgen's workflow state in PostgreSQL, so workers on
// several machines share it.
//
// Records live in the table <prefix>records (id text COLLATE "C" primary
// key, version bigint, data bytea) and tag sets in <prefix>tags (tag, id),
// with the primary key (tag, id) serving the paged, byte-ordered listing.
// Compare-and-set is a single statement: INSERT … ON CONFLICT DO NOTHING
// creates (version 1), UPDATE … WHERE id = $1 AND version = $2 updates
// (version+1); zero rows affected means storage.ErrConflict. Each statement
// is its own transaction, so a writer never leaves half a record behind. Tag
// changes passed with the Put (PutParams.AddTags, RemoveTags) ride in the same
// statement as data-modifying CTEs that act only when the write matched.
//
// Open creates or migrates the schema under a transaction-scoped advisory
// lock, so many workers may start at once. The schema version is kept in
// <prefix>schema. The default prefix is "infgen_".
//
// A lost connection surfaces as an error that names the operation and wraps
// the driver's cause; the pool reconnects on the next call, so the engine's
// retry succeeds once the server is back. docs/storage.md has the details.
package postgres

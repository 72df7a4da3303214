// Package mysql keeps infgen's workflow state in MySQL or MariaDB (InnoDB),
// so workers on several machines share it.
//
// Records live in <prefix>records (id VARBINARY(768) primary key, version
// BIGINT, data LONGBLOB) and tag sets in <prefix>tags (tag, id VARBINARY(768),
// primary key (tag, id)); binary columns make every comparison and ORDER BY
// bytewise, whatever the server's collation. Compare-and-set is one
// statement: INSERT creates (version 1; a duplicate key is
// storage.ErrConflict), UPDATE … WHERE id = ? AND version = ? updates
// (version+1; zero rows affected is storage.ErrConflict). Tag changes passed
// with the Put (PutParams.AddTags, RemoveTags) run in one transaction with the
// write and are rolled back with it on a conflict.
//
// Open creates or migrates the schema while holding the named lock
// GET_LOCK('<database>.<prefix>schema'), so many workers may start at once;
// the schema version is kept in <prefix>schema. The default prefix is
// "infgen_".
//
// Records larger than the server's max_allowed_packet cannot be written: Put
// fails with an error that says so (raise max_allowed_packet, or enable
// compression). scripts/services.sh starts MariaDB with 256 MB. A lost
// connection surfaces as an error that names the operation and wraps the
// driver's cause; database/sql reconnects on the next call.
package mysql

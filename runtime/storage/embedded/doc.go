// Package embedded is infgen's default storage: one local file, no server.
//
// It is built on bbolt (a copy-on-write B+tree in a single memory-mapped
// file). Every write is committed with fsync before Put, Delete, AddTag or
// RemoveTag returns, so a record acknowledged as written survives kill -9
// and power loss. Concurrent writers are group-committed: the writer that
// finds no commit running applies every write that is waiting in one bbolt
// transaction and pays one commit for all of them, then hands over to a
// writer that queued meanwhile; throughput grows with the number of writers
// while a lone writer waits for nothing but its own commit.
// Reads run in parallel with writes on a consistent snapshot.
//
// Open creates the file only when it does not exist. An existing file is
// checked before bbolt maps it — header pages, the file's length against
// the pages its last transaction uses, and every page of the bucket trees —
// so that an empty, truncated, corrupt or foreign file is refused with a
// *DamagedError naming it, instead of a panic or a silently new store. A
// page damaged after Open fails the operation that meets it with the same
// error (see ErrDamaged), not the process.
//
// The file is locked while open: a second process (or a second Open in the
// same process) waiting longer than the lock timeout gets an error naming the
// file. docs/benchmarks.md explains why bbolt was chosen over SQLite.
//
// Layout of the file: bucket "records" maps a record id to an 8-byte
// big-endian version followed by the data; bucket "tags" holds one empty
// value per (tag, id) pair under the key len(tag) (4 bytes, big-endian) ‖
// tag ‖ id, so one tag's ids are contiguous and in byte order.
package embedded

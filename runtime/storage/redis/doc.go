// Package redis keeps infgen's workflow state in Redis, so workers on several
// machines share it.
//
// A record is a hash at <prefix>r:<id> with fields v (the version, decimal)
// and d (the data). Compare-and-set runs as a Lua script, which Redis
// executes atomically: the script reads v, compares it with the expected
// version and writes v+1 and d only on a match, so a losing writer changes
// nothing and gets storage.ErrConflict. Tag changes passed with the Put
// (PutParams.AddTags, RemoveTags) run in the same script, after the version
// check, so they apply exactly when the write does. Get reads both fields
// with one HMGET. The scripts touch several keys, so the store needs a single
// Redis server (or a primary with replicas), not Redis Cluster.
//
// A tag is a sorted set at <prefix>t:<tag> whose members all have score 0;
// Redis orders such members bytewise, and ListTag pages through them with
// ZRANGE … BYLEX from "(<after>" (exclusive) to "+". Adds and removes are
// ZADD and ZREM, idempotent by nature.
//
// There is no schema to migrate: Open records the layout version at
// <prefix>schema with SET NX and refuses a store written by a newer layout.
// The default prefix is "infgen:".
//
// Durability is the server's: run Redis with appendonly yes (and appendfsync
// always if a power loss must not lose the last second of writes).
// Client-side retries are off, so a write whose reply was lost returns an
// error instead of being re-sent blindly (a re-sent compare-and-set would
// report a conflict with itself); the engine's retry re-reads the record.
package redis

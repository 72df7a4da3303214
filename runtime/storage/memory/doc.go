// Package memory is a Storage kept in process memory: for tests and for
// throw-away runs. Nothing survives the process; use package embedded for
// a durable single-file store.
package memory

// Package worker hosts service executors and workflow engines over a
// transport and a storage, with bounded concurrency.
package worker

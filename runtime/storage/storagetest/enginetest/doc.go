// Package enginetest checks a server-backed storage.Storage under the
// workflow engine itself: chain workflows run on a worker (memory transport)
// over the storage while the server restarts, and every workflow must finish
// with the right result. It also checks the worker registry
// (WorkerRegistry) and durable schedules (Schedules: firing once by id,
// overlap and catch-up policies, two workers, the schedule commands) on a
// storage and transport.
//
// It is separate from package storagetest so that the conformance suite does
// not depend on the engine (whose own tests use storagetest).
package enginetest

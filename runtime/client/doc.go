// Package client starts workflows and talks to them: await their result,
// send signals, send updates and get their answers, cancel, retry failed
// tasks, read their state and history, inspect and re-drive dead letters,
// read the worker registry, and create and steer schedules that start
// workflows (CreateSchedule, …; docs/schedules.md). A client needs the same transport and storage
// as the workers; it may live in the same process or another.
//
// It is a thin facade: every read and every change of workflow state is a
// call to the engine's commands (runtime/internal/engine), which validate,
// write once and wake the workflow. The package must not import
// runtime/internal/history, and uses runtime/storage only for the type of
// Options.Storage: it never reads or writes the storage itself.
package client

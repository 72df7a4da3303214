// Package local assembles the embedded default: an in-process memory
// transport and a single-file embedded storage, so that workers and clients
// run in one process with no server. State survives a crash of the process
// (kill -9 included): on restart, a worker re-drives every unfinished
// workflow from the file.
//
//	rt, err := local.Open("infgen.db")
//	w, err := rt.NewWorker(worker.Options{})
//	// register services and workflows, then w.Start(ctx)
//	c, err := rt.NewClient(ctx)
//
// Its workers report metrics to Runtime.Telemetry, served at /metrics by
// ServeAdmin, and traces when OTEL_TRACES_EXPORTER asks for them (see
// docs/observability.md).
package local

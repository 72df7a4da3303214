// Package telemetry turns what the engine reports (engine.Observer: saved
// steps, task attempts, dead letters) into OpenTelemetry metrics and spans.
// It owns the names of the runtime's instruments and spans and how a durable
// workflow run becomes one trace.
//
// It depends only on the OpenTelemetry API (metric, trace), the engine's
// observer types and history; it must not import an SDK or exporter (those
// are chosen by package runtime/telemetry and the worker's options), nor
// package worker, client, storage or transport.
package telemetry

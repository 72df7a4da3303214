// Package servers runs small real servers on loopback that stand for a
// company's existing services in the billing example: consumption, payment,
// invoice and email over HTTP (net/http), subscriptions over gRPC (grpc-go).
//
// They behave like the services a workflow would call in production: the
// payment, invoice and email servers honour the Idempotency-Key header (a
// repeated key returns the original result instead of acting again) and keep
// their records in JSON-lines files when given a directory, so that a
// restarted process still recognizes keys it has seen. Each server can be
// made flaky with a fault rate: it then answers 503 (UNAVAILABLE for gRPC),
// times out before acting, or acts and never answers — the case an
// idempotency key exists for.
package servers

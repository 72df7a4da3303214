// Package service is what a service implementation sees of the runtime: the
// task being executed (its id, which is stable across retries, its
// idempotency key — the id unless the workflow's call set one —, its attempt
// number, tags and meta) and the small error contract that tells the runtime
// whether a failure is worth retrying.
//
// Generated HTTP and gRPC implementations use it to send the idempotency key
// and to classify errors (4xx → Permanent, 503 → Retryable with the server's
// Retry-After, …). Hand-written implementations can too.
package service

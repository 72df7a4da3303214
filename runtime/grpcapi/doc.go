// Package grpcapi holds the helpers used by generated gRPC clients:
// outgoing metadata carrying the task's idempotency key, classification of
// status codes for the runtime's retry policy (honouring
// google.rpc.RetryInfo), bounded collection of server streams, and the
// error type that carries a call's status (code, message, details) to the
// workflow as a *StatusError.
//
// Generated packages call it instead of carrying their own copy; its
// exported API is part of the contract between infgen's generator and the
// runtime and changes only together with the generator.
package grpcapi

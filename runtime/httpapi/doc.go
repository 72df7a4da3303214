// Package httpapi holds the helpers used by generated HTTP clients:
// parameter serialization per OpenAPI style/explode, bodies, error
// classification for the runtime's retry policy.
//
// Generated packages call it instead of carrying their own copy; its
// exported API is therefore part of the contract between infgen's generator
// and the runtime and changes only together with the generator.
//
// Parameters follow the OpenAPI 3 serialization rules
// (https://spec.openapis.org/oas/v3.1.0#style-values): [PathParam] and
// [HeaderParam] for styles simple, label and matrix, [AddQuery] for form,
// spaceDelimited, pipeDelimited and deepObject, [CookieValue] for cookies.
// A value is a scalar (strings, numbers, booleans, time.Time, anything with
// a String method), an array (slice) or an object (struct, via its JSON
// encoding, or map), whose properties are always serialized sorted by name
// so that requests are deterministic.
//
// [Do] sends a request and reads its body, marking transport failures
// retryable, and records the call's client span inside a traced task
// attempt (sending its traceparent); [Classify] turns an error response into a retryable (408, 425,
// 429, 5xx, honouring Retry-After) or permanent error for the runtime.
package httpapi

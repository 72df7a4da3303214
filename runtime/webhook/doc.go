// Package webhook receives the webhooks and callbacks an API sends (OpenAPI
// 3.1 webhooks, OpenAPI 3.x callbacks) and delivers each one to a workflow
// as a typed signal, exactly once per delivery.
//
// A [Receiver] is an http.Handler: mount it on any server of the worker's
// process (its own address, or beside the admin API). Generated packages
// register their endpoints on it (Handle<Name> functions) and their HTTP
// clients ask it for callback URLs ([Receiver.CallbackURL]), which carry a
// correlation token naming the workflow and the call. A request is:
//
//  1. matched to an endpoint: /callbacks/<signal>/<token> or
//     /webhooks/<signal> (404 otherwise, 405 for another method);
//  2. checked against its HMAC-SHA256 signature when the endpoint has a
//     secret (constant-time; 401 when it does not match);
//  3. validated against the spec's schema (400 with the reason);
//  4. correlated to a workflow: a callback by its token, a webhook by a
//     JSON pointer into the payload ([Route]), optionally starting it;
//  5. delivered with [Signaler.SignalOnce], keyed by its delivery id (a
//     header such as Webhook-Id or X-Delivery-Id, else a hash of the body),
//     so that a redelivery is acknowledged without a second signal.
//
// Nothing is stored unless every check passed.
//
// It imports runtime/client (the facade over the engine) and kin-openapi
// for schema validation; it must not import the engine, storage,
// transport, worker or anything at generate time.
package webhook

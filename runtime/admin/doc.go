// Package admin is a worker's admin API: an HTTP endpoint through which the
// ops CLI (infgen workflow …, infgen dead-letters …, infgen workers …,
// infgen schedule …) reads and steers workflows and schedules while the
// worker runs. On the embedded default
// the worker holds the state file's lock, so the CLI cannot open the file
// itself; it finds the worker's admin address in a file beside the state
// file (AddrFile) and talks to it instead.
//
// The API binds to 127.0.0.1 by default. Any other address needs a bearer
// token (Options.Token, usually from $INFGEN_ADMIN_TOKEN), compared in
// constant time; with a token set, every request must carry it, in the
// Authorization header or, from a browser, in the dashboard's cookie (set
// once from ?token=). Options.ReadOnly refuses every request but GET and
// HEAD with 403.
//
// It mounts the web dashboard (package dashboard) at /ui/, and serves the
// worker's metrics at /metrics and, computed from them, the task attempts
// per service method at /v1/metrics/methods (MethodStats).
//
// It owns the HTTP protocol (Server, Client) and the address file. It uses
// package client for every operation and must not import storage, transport
// or the engine.
package admin

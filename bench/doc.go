// Command bench runs side-by-side benchmarks of infgen's runtime and of
// other workflow engines. The benchmarks are not run in CI (only the small
// smoke tests of this package are, from scripts/test.sh); results are written
// down in docs/benchmarks.md.
//
// The "chain" workload starts N workflows, each calling K no-op service
// tasks one after the other, with C workflows in flight:
//
//	go -C bench run . chain -n 2000 -k 3 -c 100
//	go -C bench run . chain -n 200 -k 3 -c 20 -engine temporal
//	go -C bench run . chain -transport pulsar -storage postgres
//
// It prints exactly one line on standard output:
//
//	RESULT engine=infgen workflows/s=… tasks/s=… p50=… p99=… n=… k=… c=… …
//
// workflows/s and tasks/s come from the N workflows run with C in flight;
// p50 and p99 are the latency of a single workflow measured one at a time,
// in a separate phase (-latency workflows, sequentially). Progress and logs
// go to standard error.
//
// Engines: "infgen" (the default: memory transport and embedded single-file
// storage in a temporary directory, the embedded default) with -transport
// memory|pulsar and -storage embedded|memory|postgres|redis|mysql, and
// "temporal", a Temporal server reached with the Temporal Go SDK at
// -temporal-addr (default $INFGEN_TEMPORAL_ADDR, else 127.0.0.1:7233; start
// a dev server with scripts/temporal.sh start).
//
// The "long" workload runs one workflow of K tasks and compares the cost of
// its first and last 100 steps; the "park" workload parks N workflows on a
// signal in one process, kills it with SIGKILL, and times a second process
// on the same file from exec to ready before it completes them all:
//
//	go -C bench run . long -k 1000
//	go -C bench run . park -n 100000
//
// The "compile" workload generates the package of an OpenAPI document in a
// module of its own and compiles it -runs times (after a change to its
// doc.go, everything else cached), printing the median wall time and peak
// RSS of go build, as a user who regenerates a large API sees them:
//
//	npm pack @octokit/openapi@23.0.2 && tar xzf octokit-openapi-23.0.2.tgz
//	go -C bench run . compile -spec $PWD/package/generated/api.github.com.json
//
// go -C bench test . runs a small chain on the embedded default, and on each
// server whose variable is set: INFGEN_PULSAR_URL, INFGEN_POSTGRES_DSN,
// INFGEN_REDIS_ADDR, INFGEN_MYSQL_DSN, INFGEN_TEMPORAL_ADDR.
//
// bench is a Go module of its own (github.com/infgen/infgen/bench, with a
// replace directive pointing at the repository root), so that the Temporal
// SDK and the other engines compared here stay out of the runtime's module
// graph: users of github.com/infgen/infgen never download them. Run the
// commands above from the repository root (go -C bench …) or from bench/
// (go run . chain …).
package main

// Command bench runs side-by-side benchmarks of infgen's runtime and of
// other workflow engines. It is not run in CI; results are written down in
// docs/benchmarks.md.
//
// The "chain" workload starts N workflows, each calling K no-op service
// tasks one after the other, with C workflows in flight:
//
//	go run ./bench chain -n 2000 -k 3 -c 100
//	go run ./bench chain -n 200 -k 3 -c 20 -engine temporal
//	go run ./bench chain -transport pulsar -storage postgres
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
// go test ./bench runs a small chain on the embedded default, and on each
// server whose variable is set: INFGEN_PULSAR_URL, INFGEN_POSTGRES_DSN,
// INFGEN_REDIS_ADDR, INFGEN_MYSQL_DSN, INFGEN_TEMPORAL_ADDR.
package main

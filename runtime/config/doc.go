// Package config reads a worker's configuration file and opens the
// transport and storage its environment selects, so that a deployable
// worker's main (as `infgen init worker` scaffolds it) is only the
// registration of its services and workflows.
//
// The file (worker.yaml) holds what differs per worker: log level and
// format, telemetry (metrics and traces, see runtime/telemetry), workflow
// concurrency, and per service its URL, concurrency, timeout and retry
// policy, and per method of a service its timeout and retry policy, and
// where the webhook receiver listens (webhooks.listen, webhooks.url; see
// runtime/webhook), which Run serves on its own address and hands to the
// registration as Config.Receiver. Those
// take their place in the runtime's one precedence (see retry.Layer): a
// per-call option > per-method config > the spec's default > per-service
// config > the runtime's default; unset values set nothing. The backends come from the environment, so that one file serves
// every environment:
//
//	(none set)            the embedded default: in-process transport and the
//	                      single-file storage INFGEN_EMBEDDED_PATH (default infgen.db)
//	INFGEN_PULSAR_URL     Apache Pulsar (see runtime/transport/pulsar for the rest),
//	                      with one shared storage:
//	INFGEN_POSTGRES_DSN   PostgreSQL
//	INFGEN_REDIS_ADDR     Redis
//	INFGEN_MYSQL_DSN      MySQL / MariaDB
package config

// Command billing runs the monthly billing example end to end in one
// process, on the embedded default (memory transport, single-file storage):
// it starts small real servers standing for the company's services (HTTP
// and gRPC on loopback), the workers infgen generated for them, and the
// workflow worker; a webhook receiver, where the payment server calls back
// the outcome of each charge; an events subscriber that emails a receipt
// for each paid month; subscribes customers; shows progress; and ends with
// a summary that checks that every month was charged, and receipted,
// exactly once.
//
//	go run ./examples/billing                       # 20 customers, 1s months
//	go run ./examples/billing -db billing.db        # kill -9 it, run it again
//	go run ./examples/billing -fail-rate 0.3        # flaky services
//
// With -transport pulsar the same binary runs across processes: -role drive
// (servers and client) in one, -role work (the workers) in others, sharing a
// Pulsar broker and a storage named by the environment.
//
// The exit status is 1 when a check fails (a duplicate charge, a workflow
// not completed, a month charged but not invoiced, …). docs/billing.md walks
// through the example.
package main

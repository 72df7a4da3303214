// Package enginebench holds the measurement that chose the embedded storage
// engine: bbolt (with infgen's group committer, with bbolt's own db.Batch,
// and with one transaction per write) against SQLite (modernc.org/sqlite, WAL
// journal, synchronous=FULL and NORMAL) on the workflow engine's write
// pattern: read-modify-write of 2–10 KB records with a version check.
//
// The benchmarks are behind the enginebench build tag so that plain go test
// does not compile SQLite:
//
//	go -C bench test -tags enginebench -run '^$' -bench . -benchtime 2000x ./enginebench
//
// Results and the reasoning are in docs/benchmarks.md (## Storage).
package enginebench

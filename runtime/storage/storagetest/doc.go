// Package storagetest is the conformance suite every storage.Storage
// implementation must pass.
//
// Call Run from a test of the implementation's package with a factory that
// returns a ready Storage:
//
//	func TestConformance(t *testing.T) {
//		storagetest.Run(t, func(t *testing.T) storage.Storage {
//			s, err := embedded.Open(filepath.Join(t.TempDir(), "state.db"))
//			require.NoError(t, err)
//			t.Cleanup(func() { _ = s.Close() })
//			return s
//		})
//	}
//
// The factory is called once per subtest (subtests run in parallel) and may
// return a fresh store or a connection to a shared server: every subtest uses
// record ids and tags unique to one Run, so several runs can share a database.
// The factory should close the store in a t.Cleanup; the suite closes a store
// itself only in the subtest that checks use after Close, so Close must
// tolerate being called twice.
//
// What the suite checks: missing records (storage.ErrNotFound), create and
// compare-and-set updates and deletes (storage.ErrConflict, with the data left
// unchanged), concurrent read-modify-write loops that lose no increment, races
// with exactly one winner, tag sets (idempotent adds, removes, ascending byte
// order, paging with After and Limit over thousands of ids), records of 1 MB
// and 4 MB, binary data with zero bytes, copies rather than aliases of caller
// buffers, canceled contexts, tag changes atomic with Put, and
// storage.ErrClosed after Close.
//
// Beyond Run, for server-backed stores:
//
//   - Outage restarts the server while writers run read-modify-write loops
//     that retry every error, and checks that no update is lost or applied
//     twice; ScriptRestart gives it a restart function that calls
//     scripts/services.sh.
//   - Benchmark measures the engine's write pattern (2–10 KB read-modify-write
//     with a version check) with one writer and with 100.
package storagetest

// Package goldenflag defines -update, the flag that makes the golden test
// (generator.TestGolden) rewrite golden/<case>/expected and
// golden/<case>/error.txt. Every test package under generator/ imports it,
// so that go test ./generator/... -run Golden -update runs in all of them
// (a test binary fails on a flag it does not define). Only tests import it.
//
// It must not import anything but the standard library.
package goldenflag

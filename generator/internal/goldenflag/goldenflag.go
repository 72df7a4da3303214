// Package goldenflag defines -update, the flag that makes the golden test
// (generator.TestGolden) rewrite golden/<case>/expected and
// golden/<case>/error.txt. Every test package under generator/ imports it,
// so that go test ./generator/... -run Golden -update runs in all of them
// (a test binary fails on a flag it does not define). Only tests import it.
package goldenflag

import "flag"

var update = flag.Bool("update", false, "rewrite the expected output of the golden cases (golden/<case>/expected, error.txt)")

// Update reports whether -update was given.
func Update() bool { return *update }

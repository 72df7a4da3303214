package goldenflag

import "flag"

var update = flag.Bool("update", false, "rewrite the expected output of the golden cases (golden/<case>/expected, error.txt)")

// Update reports whether -update was given.
func Update() bool { return *update }

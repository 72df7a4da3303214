package errconv_test

import (
	"strconv"
	"testing"

	"github.com/infgen/infgen/runtime/failure"
	"github.com/infgen/infgen/runtime/internal/errconv"
)

type benchError struct{ Reason string }

func (e *benchError) Error() string { return e.Reason }

// errorTypes builds n error types as a generated package of n operations
// declares them.
func errorTypes(n int) []failure.ErrorType {
	ts := make([]failure.ErrorType, n)
	for i := range ts {
		ts[i] = failure.JSONType[benchError]("svc.Error" + strconv.Itoa(i))
	}
	return ts
}

// BenchmarkStubCallErrorTypes is what a stub call of a package with 845
// error types (the GitHub REST spec) costs in error-type bookkeeping, on a
// workflow that already made calls: the package's error types passed with
// the call and added to the execution's.
func BenchmarkStubCallErrorTypes(b *testing.B) {
	shared := errorTypes(845)
	b.Run("shared", func(b *testing.B) {
		var ts errconv.Types
		ts.Add(shared...)
		for b.Loop() {
			ts.Add(shared...)
		}
	})
	b.Run("rebuilt", func(b *testing.B) {
		var ts errconv.Types
		ts.Add(shared...)
		for b.Loop() {
			ts.Add(errorTypes(845)...)
		}
	})
}

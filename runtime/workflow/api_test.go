package workflow_test

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/workflow"
)

// TestDefinitionShowsOnlyNameAndVersion: the function a definition
// replays is the runtime's business (the worker reaches it through an
// internal package), not the workflow author's.
func TestDefinitionShowsOnlyNameAndVersion(t *testing.T) {
	t.Parallel()
	var exported []string
	for _, typ := range []reflect.Type{reflect.TypeFor[workflow.Definition](), reflect.TypeFor[workflow.Ref[int, int]]()} {
		exported = exported[:0]
		for m := range typ.Methods() {
			if m.IsExported() {
				exported = append(exported, m.Name)
			}
		}
		require.NotContains(t, exported, "Entry", typ.String())
	}
	require.ElementsMatch(t, []string{"Dispatch", "Name", "Run", "Version"}, exported)
	_, ok := reflect.TypeFor[workflow.ContinueAsNewError]().FieldByName("Input")
	require.False(t, ok, "ContinueAsNewError.Input is the runtime's")
}

package ir_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/ir"
)

func TestPosString(t *testing.T) {
	t.Parallel()
	require.Equal(t, "a.yaml:3:7", ir.Pos{File: "a.yaml", Line: 3, Col: 7}.String())
	require.Equal(t, "a.yaml:3", ir.Pos{File: "a.yaml", Line: 3}.String())
	require.Equal(t, "a.yaml", ir.Pos{File: "a.yaml"}.String())
	require.Equal(t, "-", ir.Pos{}.String())
}

func TestSortWarnings(t *testing.T) {
	t.Parallel()
	b := ir.Warning{Pos: ir.Pos{File: "a.yaml", Line: 9, Col: 1}, Message: "b"}
	a := ir.Warning{Pos: ir.Pos{File: "a.yaml", Line: 2, Col: 5}, Message: "a"}
	other := ir.Warning{Pos: ir.Pos{File: "b.yaml", Line: 1, Col: 1}, Message: "c"}
	got := ir.SortWarnings([]ir.Warning{other, b, a, b})
	require.Equal(t, []ir.Warning{a, b, other}, got)
	require.Equal(t, "a.yaml:2:5: a", got[0].String())
}

package ir

import (
	"cmp"
	"fmt"
	"slices"
)

// String formats the position as file:line:col, omitting unknown parts.
func (p Pos) String() string {
	switch {
	case p.File == "" && p.Line == 0:
		return "-"
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Compare orders positions by file, line and column.
func (p Pos) Compare(q Pos) int {
	return cmp.Or(cmp.Compare(p.File, q.File), cmp.Compare(p.Line, q.Line), cmp.Compare(p.Col, q.Col))
}

// String formats the warning as "file:line:col: message".
func (w Warning) String() string { return w.Pos.String() + ": " + w.Message }

// SortWarnings orders warnings by position then message and drops exact
// duplicates.
func SortWarnings(ws []Warning) []Warning {
	slices.SortStableFunc(ws, func(a, b Warning) int {
		return cmp.Or(a.Pos.Compare(b.Pos), cmp.Compare(a.Message, b.Message))
	})
	return slices.Compact(ws)
}

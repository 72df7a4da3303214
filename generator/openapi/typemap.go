package openapi

import (
	"unicode"

	"github.com/dave/jennifer/jen"

	"github.com/infgen/infgen/ir"
)

// goType is the Go type of a type reference, without the optional pointer
// fieldType adds.
func (g *generator) goType(t ir.TypeRef) *jen.Statement {
	switch t.Kind {
	case ir.KindBool:
		return jen.Bool()
	case ir.KindInt:
		return jen.Int()
	case ir.KindInt32:
		return jen.Int32()
	case ir.KindInt64:
		return jen.Int64()
	case ir.KindUint64:
		return jen.Uint64()
	case ir.KindFloat32:
		return jen.Float32()
	case ir.KindFloat64:
		return jen.Float64()
	case ir.KindString, ir.KindUUID:
		return jen.String()
	case ir.KindDateTime:
		return jen.Qual(pkgTime, "Time")
	case ir.KindDate:
		return jen.Id("Date")
	case ir.KindBytes, ir.KindBinary:
		return jen.Index().Byte()
	case ir.KindArray:
		return jen.Index().Add(g.elemType(*t.Elem))
	case ir.KindMap:
		return jen.Map(jen.String()).Add(g.elemType(*t.Elem))
	case ir.KindNamed:
		if _, ok := g.types[t.Name]; ok {
			return jen.Id(t.Name)
		}
		return jen.Qual(pkgJSON, "RawMessage")
	case ir.KindEmpty:
		return jen.Struct()
	}
	return jen.Qual(pkgJSON, "RawMessage")
}

// elemType is the type of an array or map element: a pointer only when the
// element may be null.
func (g *generator) elemType(t ir.TypeRef) *jen.Statement {
	if t.Nullable && !g.nilable(t) {
		return jen.Op("*").Add(g.goType(t))
	}
	return g.goType(t)
}

// fieldType is the type of a struct field, parameter, body or union
// variant. The rule (docs/generate-openapi.md):
//   - slices, maps and json.RawMessage are never pointers (nil is absent);
//   - objects and unions are always pointers (this also keeps recursive
//     schemas finite);
//   - other values are pointers when optional or nullable.
func (g *generator) fieldType(t ir.TypeRef, required bool) *jen.Statement {
	if g.pointer(t, required) {
		return jen.Op("*").Add(g.goType(t))
	}
	return g.goType(t)
}

// pointer reports whether fieldType makes t a pointer.
func (g *generator) pointer(t ir.TypeRef, required bool) bool {
	switch {
	case g.nilable(t):
		return false
	case g.objectLike(t):
		return true
	}
	return !required || t.Nullable
}

// nilable reports types whose zero value is nil (slices, maps, RawMessage).
func (g *generator) nilable(t ir.TypeRef) bool {
	switch t.Kind {
	case ir.KindArray, ir.KindMap, ir.KindAny, ir.KindBytes, ir.KindBinary:
		return true
	case ir.KindNamed:
		nt, ok := g.types[t.Name]
		if !ok {
			return true
		}
		if nt.Kind == ir.TypeAlias && nt.Alias != nil {
			return g.nilableDepth(*nt.Alias, 0)
		}
	}
	return false
}

func (g *generator) nilableDepth(t ir.TypeRef, depth int) bool {
	if depth > 16 {
		return false
	}
	if t.Kind == ir.KindNamed {
		if nt, ok := g.types[t.Name]; ok && nt.Kind == ir.TypeAlias && nt.Alias != nil {
			return g.nilableDepth(*nt.Alias, depth+1)
		}
	}
	return g.nilable(t)
}

// objectLike reports structs and unions (through aliases).
func (g *generator) objectLike(t ir.TypeRef) bool {
	for depth := 0; t.Kind == ir.KindNamed && depth < 16; depth++ {
		nt, ok := g.types[t.Name]
		if !ok {
			return false
		}
		switch nt.Kind {
		case ir.TypeStruct, ir.TypeUnion:
			return true
		case ir.TypeAlias:
			if nt.Alias == nil {
				return false
			}
			t = *nt.Alias
		default:
			return false
		}
	}
	return t.Kind == ir.KindEmpty
}

// underlyingKind resolves aliases to the kind of the final type.
func (g *generator) underlyingKind(t ir.TypeRef) ir.Kind {
	for depth := 0; t.Kind == ir.KindNamed && depth < 16; depth++ {
		nt, ok := g.types[t.Name]
		if !ok || nt.Kind != ir.TypeAlias || nt.Alias == nil {
			return t.Kind
		}
		t = *nt.Alias
	}
	return t.Kind
}

// jsonTag is the struct tag of a field; names that encoding/json cannot
// carry in a tag get "-" (reported in the field's comment).
func jsonTag(name string, omitempty bool) (map[string]string, bool) {
	if !validTagName(name) {
		return map[string]string{"json": "-"}, false
	}
	v := name
	if omitempty {
		v += ",omitempty"
	}
	return map[string]string{"json": v}, true
}

// validTagName mirrors encoding/json's isValidTag.
func validTagName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case c == '"' || c == '\\' || c == '`' || c == ',' || c == '\'':
			return false
		case c < ' ' || c == 0x7f:
			return false
		}
		if !unicode.IsLetter(c) && !unicode.IsDigit(c) && !isTagPunct(c) {
			return false
		}
	}
	return true
}

func isTagPunct(c rune) bool {
	for _, p := range "!#$%&()*+-./:;<=>?@[]^_{|}~ " {
		if c == p {
			return true
		}
	}
	return false
}

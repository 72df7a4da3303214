package openapi

import (
	"fmt"
	"path"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/infgen/infgen/ir"
)

// shape is how a schema maps to Go.
type shape int

const (
	shapeAny shape = iota
	shapeScalar
	shapeArray
	shapeMap
	shapeStruct
	shapeEnum
	shapeUnion
	// shapeWrap is a schema that only wraps another one (allOf/oneOf with a
	// single member, plus description or nullable).
	shapeWrap
	// shapeMulti is a 3.1 type array with several non-null types.
	shapeMulti
)

// typeOf maps a schema use to a TypeRef. hint names the inline types it
// may have to declare; at is the closest known position.
func (c *converter) typeOf(ref *openapi3.SchemaRef, hint string, at ir.Pos) ir.TypeRef {
	if ref == nil || ref.Value == nil {
		c.emptyRef = c.emptyRef || ref != nil && ref.Ref != ""
		return ir.TypeRef{Kind: ir.KindAny}
	}
	s := ref.Value
	at = c.pos(s.Origin, at)
	if ref.Ref != "" {
		name, ok := c.byRef[ref.Ref]
		if !ok {
			name, ok = c.bySchema[s]
		}
		key := originKey(s)
		if !ok && key != "" {
			name, ok = c.byOrigin[key]
		}
		if !ok {
			name = c.pkg.Unique(ir.GoName(refBaseName(ref.Ref)))
			c.bySchema[s] = name
			if key != "" {
				c.byOrigin[key] = name
			}
		}
		c.declare(name, s, at)
		return ir.TypeRef{Kind: ir.KindNamed, Name: name, Nullable: nullable(s)}
	}
	if name, ok := c.bySchema[s]; ok {
		c.declare(name, s, at)
		return ir.TypeRef{Kind: ir.KindNamed, Name: name, Nullable: nullable(s)}
	}
	switch c.shapeOf(s) {
	case shapeStruct, shapeEnum, shapeUnion:
		name := c.pkg.Unique(ir.GoName(hint))
		c.bySchema[s] = name
		c.declare(name, s, at)
		return ir.TypeRef{Kind: ir.KindNamed, Name: name, Nullable: nullable(s)}
	}
	return c.direct(s, hint, at)
}

// refBaseName is the last segment of a $ref ("a.yaml#/defs/Pet" → "Pet",
// "pet.yaml" → "pet").
func refBaseName(ref string) string {
	loc, frag, _ := strings.Cut(ref, "#")
	if frag != "" && frag != "/" {
		return path.Base(frag)
	}
	base := path.Base(loc)
	return strings.TrimSuffix(base, path.Ext(base))
}

// direct maps a schema that needs no declaration of its own.
func (c *converter) direct(s *openapi3.Schema, hint string, at ir.Pos) ir.TypeRef {
	null := nullable(s)
	switch c.shapeOf(s) {
	case shapeScalar:
		return ir.TypeRef{Kind: scalarKind(s), Nullable: null}
	case shapeArray:
		var elem ir.TypeRef
		if s.Items != nil {
			elem = c.typeOf(s.Items, hint+"Item", at)
		} else {
			elem = ir.TypeRef{Kind: ir.KindAny}
		}
		return ir.TypeRef{Kind: ir.KindArray, Elem: &elem, Nullable: null}
	case shapeMap:
		elem := ir.TypeRef{Kind: ir.KindAny}
		if ap := s.AdditionalProperties.Schema; ap != nil {
			elem = c.typeOf(ap, hint+"Value", at)
		}
		return ir.TypeRef{Kind: ir.KindMap, Elem: &elem, Nullable: null}
	case shapeWrap:
		inner := c.typeOf(wrapped(s), hint, at)
		inner.Nullable = inner.Nullable || null
		return inner
	case shapeMulti:
		c.warn(at, "schema "+hint+" allows several types ("+strings.Join(s.Type.Slice(), ", ")+"); generated as json.RawMessage")
		return ir.TypeRef{Kind: ir.KindAny, Nullable: null}
	case shapeStruct, shapeEnum, shapeUnion:
		return c.typeOf(&openapi3.SchemaRef{Value: s}, hint, at)
	}
	return ir.TypeRef{Kind: ir.KindAny, Nullable: null}
}

// nullable reports whether null is a valid value (3.0 nullable, 3.1 type
// arrays with "null", a null enum value).
func nullable(s *openapi3.Schema) bool {
	if s.Nullable || (s.Type != nil && s.Type.Includes("null")) {
		return true
	}
	for _, v := range s.Enum {
		if v == nil {
			return true
		}
	}
	return false
}

// types are the schema's declared non-null types.
func types(s *openapi3.Schema) []string {
	if s.Type == nil {
		return nil
	}
	var out []string
	for _, t := range s.Type.Slice() {
		if t != "null" {
			out = append(out, t)
		}
	}
	return out
}

// variants are the non-null members of a oneOf/anyOf.
func variants(s *openapi3.Schema) []*openapi3.SchemaRef {
	var out []*openapi3.SchemaRef
	for _, list := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf} {
		for _, v := range list {
			if v == nil || v.Value == nil || isNullSchema(v.Value) {
				continue
			}
			out = append(out, v)
		}
	}
	return out
}

// isNullSchema reports a schema that only admits null.
func isNullSchema(s *openapi3.Schema) bool {
	t := s.Type.Slice()
	return len(t) == 1 && t[0] == "null"
}

// wrapped returns the single schema a shapeWrap schema wraps.
func wrapped(s *openapi3.Schema) *openapi3.SchemaRef {
	if len(s.AllOf) == 1 {
		return s.AllOf[0]
	}
	if vs := variants(s); len(vs) == 1 {
		return vs[0]
	}
	return nil
}

// shapeOf classifies a schema.
func (c *converter) shapeOf(s *openapi3.Schema) shape {
	ts := types(s)
	hasProps := len(s.Properties) > 0
	switch {
	case len(s.AllOf) == 1 && !hasProps && len(s.OneOf)+len(s.AnyOf) == 0:
		return shapeWrap
	case len(s.AllOf) > 0:
		return shapeStruct
	case len(s.OneOf)+len(s.AnyOf) > 0 && !hasProps:
		switch len(variants(s)) {
		case 0:
			return shapeAny
		case 1:
			return shapeWrap
		}
		return shapeUnion
	}
	if len(ts) > 1 {
		if len(ts) == 2 && contains(ts, "integer") && contains(ts, "number") {
			return shapeScalar
		}
		return shapeMulti
	}
	t := ""
	if len(ts) == 1 {
		t = ts[0]
	}
	if t == "" {
		switch {
		case hasProps:
			t = "object"
		case s.AdditionalProperties.Schema != nil || s.AdditionalProperties.Has != nil:
			t = "object"
		case s.Items != nil:
			t = "array"
		case s.Format != "":
			t = "string"
		case len(s.Enum) > 0:
			t = enumValueType(s.Enum)
		case s.Const != nil:
			t = enumValueType([]any{s.Const})
		}
	}
	switch t {
	case "object":
		if hasProps {
			return shapeStruct
		}
		return shapeMap
	case "array":
		return shapeArray
	case "string", "integer", "number", "boolean":
		if hasEnum(s) {
			return shapeEnum
		}
		return shapeScalar
	case "file":
		// Swagger 2.0's file type, left behind by converters.
		return shapeScalar
	}
	return shapeAny
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// hasEnum reports an enum (or 3.1 const) with at least one non-null value.
func hasEnum(s *openapi3.Schema) bool {
	for _, v := range enumValues(s) {
		if v != nil {
			return true
		}
	}
	return false
}

func enumValues(s *openapi3.Schema) []any {
	if len(s.Enum) > 0 {
		return s.Enum
	}
	if s.Const != nil {
		return []any{s.Const}
	}
	return nil
}

// enumValueType guesses the JSON type of enum values.
func enumValueType(vals []any) string {
	t := ""
	for _, v := range vals {
		var vt string
		switch v.(type) {
		case nil:
			continue
		case string:
			vt = "string"
		case bool:
			vt = "boolean"
		case float64, int, int64:
			vt = "number"
		default:
			return ""
		}
		if t != "" && t != vt {
			return ""
		}
		t = vt
	}
	return t
}

// scalarKind maps type and format of a scalar schema.
func scalarKind(s *openapi3.Schema) ir.Kind {
	ts := types(s)
	t := ""
	if len(ts) == 1 {
		t = ts[0]
	} else if len(ts) == 2 {
		t = "number"
	}
	if t == "" {
		t = enumValueType(enumValues(s))
		if t == "" {
			t = "string"
		}
	}
	switch t {
	case "file":
		return ir.KindBinary
	case "boolean":
		return ir.KindBool
	case "integer":
		switch s.Format {
		case "int32":
			return ir.KindInt32
		case "uint64", "uint":
			return ir.KindUint64
		}
		return ir.KindInt64
	case "number":
		switch s.Format {
		case "float":
			return ir.KindFloat32
		case "int32":
			return ir.KindInt32
		case "int64":
			return ir.KindInt64
		}
		return ir.KindFloat64
	}
	switch s.Format {
	case "date-time":
		return ir.KindDateTime
	case "date":
		return ir.KindDate
	case "uuid":
		return ir.KindUUID
	case "byte":
		return ir.KindBytes
	case "binary":
		return ir.KindBinary
	}
	return ir.KindString
}

// originKey identifies a schema by where it is written, so that one schema
// reached through differently spelled $refs (across files) gets one type.
func originKey(s *openapi3.Schema) string {
	if s.Origin == nil || s.Origin.Key == nil || s.Origin.Key.Line == 0 {
		return ""
	}
	k := s.Origin.Key
	return fmt.Sprintf("%s:%d:%d", k.File, k.Line, k.Column)
}

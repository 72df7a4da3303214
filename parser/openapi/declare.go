package openapi

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/infgen/infgen/ir"
)

// declare emits the named type name for schema s, once.
func (c *converter) declare(name string, s *openapi3.Schema, at ir.Pos) {
	if c.declared[name] {
		return
	}
	c.declared[name] = true
	at = c.pos(s.Origin, at)
	t := ir.Type{Name: name, Doc: schemaDoc(s), Pos: at, Deprecated: s.Deprecated}
	switch c.shapeOf(s) {
	case shapeStruct:
		if subs := c.subtypes(s); len(subs) > 0 {
			t.Kind = ir.TypeUnion
			t.Union = c.hierarchy(name, s, subs, at)
			break
		}
		t.Kind = ir.TypeStruct
		t.Fields = c.fields(name, s, at)
		if ap := s.AdditionalProperties.Schema; ap != nil && len(s.AllOf) == 0 {
			extra := c.typeOf(ap, name+"Value", at)
			t.Additional = &extra
		}
	case shapeEnum:
		t.Kind = ir.TypeEnum
		t.Enum = c.enum(name, s)
	case shapeUnion:
		t.Kind = ir.TypeUnion
		t.Union = c.union(name, s, at)
	default:
		t.Kind = ir.TypeAlias
		ref := c.direct(s, name, at)
		if ref.Kind == ir.KindNamed && ref.Name == name {
			c.warn(at, "schema "+name+" is defined only in terms of itself; generated as json.RawMessage")
			ref = ir.TypeRef{Kind: ir.KindAny}
		}
		t.Alias = &ref
	}
	c.spec.Types = append(c.spec.Types, t)
}

// schemaDoc is the title and description of a schema.
func schemaDoc(s *openapi3.Schema) string {
	switch {
	case s.Title != "" && s.Description != "" && s.Title != s.Description:
		return s.Title + "\n\n" + s.Description
	case s.Description != "":
		return s.Description
	}
	return s.Title
}

// property is one property of a (merged) object schema.
type property struct {
	name string
	ref  *openapi3.SchemaRef
	// owner names the component schema the property is written in (empty
	// for the schema being declared), so that its inline types are named
	// after that component whichever schema reaches it first.
	owner string
}

// objectProps collects the properties and required names of s, merging
// allOf members (later definitions of a property win).
func (c *converter) objectProps(s *openapi3.Schema, owner string, at ir.Pos, props *[]property, required map[string]bool, depth int) {
	if depth > 32 {
		c.warn(at, "allOf nesting too deep; remaining members ignored")
		return
	}
	for _, part := range s.AllOf {
		if part == nil || part.Value == nil {
			continue
		}
		p := part.Value
		if len(p.OneOf)+len(p.AnyOf) > 0 && len(p.Properties) == 0 && len(p.AllOf) == 0 {
			c.warn(c.pos(p.Origin, at), "oneOf/anyOf inside allOf cannot be merged into a struct; its properties are not generated")
			continue
		}
		partOwner := owner
		if name, ok := c.byRef[part.Ref]; ok {
			partOwner = name
		}
		c.objectProps(p, partOwner, at, props, required, depth+1)
	}
	if len(s.OneOf)+len(s.AnyOf) > 0 && len(s.Properties) > 0 {
		c.warn(at, "oneOf/anyOf next to properties is ignored; only the properties are generated")
	}
	for _, key := range propertyOrder(s.Properties) {
		i := slices.IndexFunc(*props, func(p property) bool { return p.name == key })
		if i >= 0 {
			(*props)[i].ref, (*props)[i].owner = s.Properties[key], owner
			continue
		}
		*props = append(*props, property{name: key, ref: s.Properties[key], owner: owner})
	}
	for _, r := range s.Required {
		required[r] = true
	}
}

// propertyOrder lists the names of props in document order: by the position
// of each property's key, names without a recorded position last and sorted,
// so the generated struct reads like the schema it comes from.
func propertyOrder(props openapi3.Schemas) []string {
	keys := sortedKeys(props)
	slices.SortStableFunc(keys, func(a, b string) int {
		la, lb := propertyKey(props[a]), propertyKey(props[b])
		switch {
		case la == nil && lb == nil:
			return 0
		case la == nil:
			return 1
		case lb == nil:
			return -1
		case la.Line != lb.Line:
			return la.Line - lb.Line
		}
		return la.Column - lb.Column
	})
	return keys
}

// propertyKey is the location of a property's key: on the reference object
// for a $ref, on the inline schema otherwise.
func propertyKey(ref *openapi3.SchemaRef) *openapi3.Location {
	switch {
	case ref == nil:
		return nil
	case ref.Ref != "" && ref.Origin != nil && ref.Origin.Key != nil && ref.Origin.Key.Line > 0:
		return ref.Origin.Key
	case ref.Ref == "" && ref.Value != nil && ref.Value.Origin != nil && ref.Value.Origin.Key != nil && ref.Value.Origin.Key.Line > 0:
		return ref.Value.Origin.Key
	}
	return nil
}

// fields builds the fields of a struct type.
func (c *converter) fields(typeName string, s *openapi3.Schema, at ir.Pos) []ir.Field {
	var props []property
	required := map[string]bool{}
	c.objectProps(s, "", at, &props, required, 0)
	scope := ir.NewScope(ir.AdditionalPropertiesField, "MarshalJSON", "UnmarshalJSON")
	var out []ir.Field
	for _, p := range props {
		goName := scope.Unique(ir.GoName(p.name))
		f := ir.Field{
			Name:     goName,
			JSONName: p.name,
			Required: required[p.name],
		}
		if p.ref != nil && p.ref.Value != nil {
			v := p.ref.Value
			f.Doc = schemaDoc(v)
			f.Deprecated, f.ReadOnly, f.WriteOnly = v.Deprecated, v.ReadOnly, v.WriteOnly
		}
		owner := typeName
		if p.owner != "" {
			owner = p.owner
		}
		f.Type = c.typeOf(p.ref, owner+goName, at)
		out = append(out, f)
	}
	return out
}

// enum builds an enum type's values.
func (c *converter) enum(typeName string, s *openapi3.Schema) *ir.Enum {
	e := &ir.Enum{Base: scalarKind(s)}
	vals := enumValues(s)
	if e.Base == ir.KindFloat64 || e.Base == ir.KindFloat32 {
		integral := true
		for _, v := range vals {
			if f, ok := v.(float64); ok && (f != math.Trunc(f) || math.Abs(f) > 1<<53) {
				integral = false
			}
		}
		if integral {
			e.Base = ir.KindInt64
		} else {
			e.Base = ir.KindFloat64
		}
	}
	switch e.Base {
	case ir.KindBool, ir.KindInt32, ir.KindInt64, ir.KindUint64, ir.KindFloat64:
	default:
		e.Base = ir.KindString
	}
	seen := map[string]bool{}
	for _, v := range vals {
		lit, label, ok := enumLiteral(e.Base, v)
		if !ok || seen[lit] {
			continue
		}
		seen[lit] = true
		e.Values = append(e.Values, ir.EnumValue{Name: c.pkg.Unique(typeName + ir.GoNameSuffix(label)), Literal: lit})
	}
	return e
}

// enumLiteral renders an enum value as a Go-compatible JSON literal for the
// base kind, and the label its constant is named after.
func enumLiteral(base ir.Kind, v any) (lit, label string, ok bool) {
	switch base {
	case ir.KindString:
		str, isStr := v.(string)
		if !isStr {
			if v == nil {
				return "", "", false
			}
			b, _ := json.Marshal(v)
			str = string(b)
		}
		return strconv.Quote(str), str, true
	case ir.KindBool:
		b, isBool := v.(bool)
		if !isBool {
			return "", "", false
		}
		return strconv.FormatBool(b), strconv.FormatBool(b), true
	}
	f, isNum := v.(float64)
	if !isNum {
		return "", "", false
	}
	if base == ir.KindFloat64 {
		s := strconv.FormatFloat(f, 'g', -1, 64)
		return s, strings.ReplaceAll(s, ".", "_"), true
	}
	if f < 0 && base == ir.KindUint64 {
		return "", "", false
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	return s, s, true
}

// union builds a oneOf/anyOf type.
func (c *converter) union(typeName string, s *openapi3.Schema, at ir.Pos) *ir.Union {
	u := &ir.Union{OneOf: len(s.OneOf) > 0}
	values := map[string][]string{}
	if d := s.Discriminator; d != nil && d.PropertyName != "" {
		u.Discriminator = d.PropertyName
		for _, v := range sortedKeys(d.Mapping) {
			ref := d.Mapping[v].Ref
			if !strings.Contains(ref, "#") && !strings.Contains(ref, "/") {
				ref = componentsPrefix + ref
			}
			values[ref] = append(values[ref], v)
		}
	}
	scope := ir.NewScope("MarshalJSON", "UnmarshalJSON")
	for i, v := range variants(s) {
		ref := c.typeOf(v, typeName+strconv.Itoa(i+1), at)
		name := variantName(ref)
		vr := ir.Variant{Name: scope.Unique(name), Type: ref}
		if u.Discriminator != "" && v.Ref != "" {
			vr.Values = values[v.Ref]
			if len(vr.Values) == 0 {
				vr.Values = []string{refBaseName(v.Ref)}
			}
		}
		u.Variants = append(u.Variants, vr)
	}
	return u
}

// variantName names the union field holding a variant.
func variantName(t ir.TypeRef) string {
	switch t.Kind {
	case ir.KindNamed:
		return t.Name
	case ir.KindArray:
		return variantName(*t.Elem) + "Array"
	case ir.KindMap:
		return variantName(*t.Elem) + "Map"
	case ir.KindAny:
		return "Raw"
	}
	return ir.GoName(string(t.Kind))
}

package openapi

import (
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/infgen/infgen/ir"
)

// subtype is one schema of an allOf hierarchy below a base with a
// discriminator, with the discriminator values that select it.
type subtype struct {
	key    string
	values []string
}

// subtypes finds the subtypes of a component schema that declares a
// discriminator without oneOf/anyOf (polymorphism through allOf): the
// targets of its mapping, and every component whose allOf refers to it
// (selected by its component name, as the OpenAPI specification says).
func (c *converter) subtypes(base *openapi3.Schema) []subtype {
	d := base.Discriminator
	baseKey, isComponent := c.compKey[base]
	if d == nil || d.PropertyName == "" || !isComponent || len(base.OneOf)+len(base.AnyOf) > 0 || c.doc.Components == nil {
		return nil
	}
	schemas := c.doc.Components.Schemas
	var subs []subtype
	add := func(key, value string) {
		if key == baseKey || schemas[key] == nil || schemas[key].Value == nil {
			return
		}
		i := slices.IndexFunc(subs, func(s subtype) bool { return s.key == key })
		if i < 0 {
			subs = append(subs, subtype{key: key})
			i = len(subs) - 1
		}
		if !slices.Contains(subs[i].values, value) {
			subs[i].values = append(subs[i].values, value)
		}
	}
	for _, value := range sortedKeys(d.Mapping) {
		ref := d.Mapping[value].Ref
		if !strings.Contains(ref, "/") && !strings.Contains(ref, "#") {
			ref = componentsPrefix + ref
		}
		if key, ok := strings.CutPrefix(ref, componentsPrefix); ok {
			add(key, value)
		}
	}
	baseRef := componentsPrefix + baseKey
	for _, key := range sortedKeys(schemas) {
		sr := schemas[key]
		if sr == nil || sr.Value == nil || sr.Ref != "" {
			continue
		}
		if slices.ContainsFunc(sr.Value.AllOf, func(p *openapi3.SchemaRef) bool { return p != nil && (p.Ref == baseRef || p.Value == base) }) {
			if !slices.ContainsFunc(subs, func(s subtype) bool { return s.key == key }) {
				add(key, key)
			}
		}
	}
	return subs
}

// hierarchy builds the union of a discriminated allOf hierarchy: one
// variant per subtype, and the base object itself (named <Name>Base) for
// values whose discriminator names no subtype.
func (c *converter) hierarchy(name string, base *openapi3.Schema, subs []subtype, at ir.Pos) *ir.Union {
	u := &ir.Union{OneOf: true, Discriminator: base.Discriminator.PropertyName}
	scope := ir.NewScope("MarshalJSON", "UnmarshalJSON")
	for _, sub := range subs {
		sr := c.doc.Components.Schemas[sub.key]
		ref := c.typeOf(&openapi3.SchemaRef{Ref: componentsPrefix + sub.key, Value: sr.Value}, name+ir.GoName(sub.key), at)
		u.Variants = append(u.Variants, ir.Variant{Name: scope.Unique(variantName(ref)), Type: ref, Values: sub.values})
	}
	baseName := c.pkg.Unique(name + "Base")
	c.declared[baseName] = true
	c.spec.Types = append(c.spec.Types, ir.Type{
		Name:   baseName,
		Kind:   ir.TypeStruct,
		Doc:    "The properties common to every " + name + ".",
		Pos:    at,
		Fields: c.fields(baseName, base, at),
	})
	fallback := ir.Variant{Name: scope.Unique("Base"), Type: ir.TypeRef{Kind: ir.KindNamed, Name: baseName}}
	u.Variants = append(u.Variants, fallback)
	u.Fallback = fallback.Name
	return u
}

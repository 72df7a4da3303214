package openapi

import (
	"github.com/dave/jennifer/jen"

	"github.com/infgen/infgen/ir"
)

// typesFile declares the spec's schemas, and Date.
func (g *generator) typesFile(f *jen.File) {
	g.dateType(f)
	for i := range g.spec.Types {
		t := &g.spec.Types[i]
		f.Line()
		switch t.Kind {
		case ir.TypeStruct:
			g.structType(f, t)
		case ir.TypeEnum:
			g.enumType(f, t)
		case ir.TypeUnion:
			g.unionType(f, t)
		default:
			g.aliasType(f, t)
		}
	}
}

// typeDoc is the doc comment of a schema type: the schema's title and
// description as the spec words them, and its deprecation; nothing when
// the spec says nothing (no filler such as "X is an object of the API").
func typeDoc(t *ir.Type) jen.Code {
	text := t.Doc
	if t.Deprecated {
		text += "\n\nDeprecated: the schema is deprecated by the API."
	}
	return comment(text)
}

// structType declares an object schema.
func (g *generator) structType(f *jen.File, t *ir.Type) {
	f.Add(typeDoc(t))
	f.Type().Id(t.Name).StructFunc(func(sg *jen.Group) {
		for _, fl := range t.Fields {
			doc := fl.Doc
			if fl.Deprecated {
				doc += "\n\nDeprecated: the property is deprecated by the API."
			}
			tag, ok := jsonTag(fl.JSONName, !fl.Required)
			if !ok {
				doc += "\n\nProperty " + fl.JSONName + " cannot be named in a json tag: it is not encoded."
			}
			sg.Add(comment(doc))
			sg.Id(fl.Name).Add(g.fieldType(fl.Type, fl.Required)).Tag(tag)
		}
		if t.Additional != nil {
			sg.Comment(ir.AdditionalPropertiesField + " holds the properties not listed above.")
			sg.Id(ir.AdditionalPropertiesField).Map(jen.String()).Add(g.elemType(*t.Additional)).Tag(map[string]string{"json": "-"})
		}
	})
	if t.Additional != nil {
		g.additionalMethods(f, t)
	}
}

// enumType declares an enum as a defined type with constants.
func (g *generator) enumType(f *jen.File, t *ir.Type) {
	f.Add(typeDoc(t))
	f.Type().Id(t.Name).Add(g.goType(ir.TypeRef{Kind: t.Enum.Base}))
	if len(t.Enum.Values) == 0 {
		return
	}
	f.Line()
	f.Const().DefsFunc(func(dg *jen.Group) {
		for _, v := range t.Enum.Values {
			dg.Id(v.Name).Id(t.Name).Op("=").Op(v.Literal)
		}
	})
}

// aliasType declares a schema that is another type: arrays and maps as
// defined types (which may be recursive), everything else as an alias.
func (g *generator) aliasType(f *jen.File, t *ir.Type) {
	f.Add(typeDoc(t))
	target := ir.TypeRef{Kind: ir.KindAny}
	if t.Alias != nil {
		target = *t.Alias
	}
	switch target.Kind {
	case ir.KindArray, ir.KindMap:
		f.Type().Id(t.Name).Add(g.goType(target))
	default:
		f.Type().Id(t.Name).Op("=").Add(g.goType(target))
	}
}

// dateType declares Date, the Go type of format: date, as an alias of
// httpapi.Date (encoding, parsing and parameter serialization live there).
func (g *generator) dateType(f *jen.File) {
	f.Add(comment(`Date is a calendar date (OpenAPI format "date"), encoded as "2006-01-02".`))
	f.Type().Id("Date").Op("=").Qual(pkgHTTPAPI, "Date")
}

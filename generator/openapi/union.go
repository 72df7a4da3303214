package openapi

import (
	"github.com/dave/jennifer/jen"

	"github.com/infgen/infgen/ir"
)

// unionType declares a oneOf/anyOf as a struct with one field per variant
// (exactly one set) and JSON methods: the discriminator property selects
// the variant when declared; otherwise the first variant that decodes
// strictly (no unknown fields) wins, then the first that decodes at all.
func (g *generator) unionType(f *jen.File, t *ir.Type) {
	u := t.Union
	lead := "holds exactly one of its variants (oneOf)."
	switch {
	case u.Fallback != "":
		lead = "holds one of the schemas extending it (allOf), selected by its\n" + u.Discriminator + " property; " + u.Fallback + " holds values of other kinds."
	case !u.OneOf:
		lead = "holds one of its variants (anyOf)."
	}
	text := t.Doc
	if t.Deprecated {
		text += "\n\nDeprecated: the schema is deprecated by the API."
	}
	f.Add(docComment(t.Name, lead, text))
	f.Type().Id(t.Name).StructFunc(func(sg *jen.Group) {
		for _, v := range u.Variants {
			sg.Id(v.Name).Add(g.fieldType(v.Type, false))
		}
	})

	recv := jen.Id("u").Id(t.Name)
	f.Add(comment("MarshalJSON encodes the variant that is set, or null."))
	f.Func().Params(recv).Id("MarshalJSON").Params().Params(jen.Index().Byte(), jen.Error()).BlockFunc(func(bg *jen.Group) {
		for _, v := range u.Variants {
			bg.If(jen.Id("u").Dot(v.Name).Op("!=").Nil()).Block(
				jen.Return(jen.Qual(pkgJSON, "Marshal").Call(jen.Id("u").Dot(v.Name))),
			)
		}
		bg.Return(jen.Index().Byte().Call(jen.Lit("null")), jen.Nil())
	})

	f.Add(comment("UnmarshalJSON decodes data into the matching variant."))
	f.Func().Params(jen.Id("u").Op("*").Id(t.Name)).Id("UnmarshalJSON").Params(jen.Id("data").Index().Byte()).Error().BlockFunc(func(bg *jen.Group) {
		bg.Op("*").Id("u").Op("=").Id(t.Name).Values()
		bg.If(jen.String().Call(jen.Id("data")).Op("==").Lit("null")).Block(jen.Return(jen.Nil()))
		if u.Discriminator != "" {
			g.discriminatorSwitch(bg, u)
		}
		if fb := fallbackVariant(u); fb != nil {
			bg.Id("v").Op(":=").New(g.goType(fb.Type))
			bg.If(jen.Err().Op(":=").Qual(pkgJSON, "Unmarshal").Call(jen.Id("data"), jen.Id("v")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))
			bg.Id("u").Dot(fb.Name).Op("=").Add(g.variantValue(fb.Type))
			bg.Return(jen.Nil())
			return
		}
		for _, strict := range []bool{true, false} {
			decode := jen.Qual(pkgJSON, "Unmarshal")
			if strict {
				decode = jen.Qual(pkgHTTPAPI, "DecodeStrict")
			}
			for _, v := range u.Variants {
				bg.If(jen.Id("v").Op(":=").New(g.goType(v.Type)), decode.Clone().Call(jen.Id("data"), jen.Id("v")).Op("==").Nil()).Block(
					jen.Id("u").Dot(v.Name).Op("=").Add(g.variantValue(v.Type)),
					jen.Return(jen.Nil()),
				)
			}
		}
		bg.Return(jen.Qual(pkgFmt, "Errorf").Call(jen.Lit("decode " + t.Name + ": the value matches none of its variants")))
	})
}

// variantValue converts the decoded *T in v into the variant field's type.
func (g *generator) variantValue(t ir.TypeRef) jen.Code {
	if g.pointer(t, false) {
		return jen.Id("v")
	}
	return jen.Op("*").Id("v")
}

// discriminatorSwitch decodes by the discriminator property's value.
func (g *generator) discriminatorSwitch(bg *jen.Group, u *ir.Union) {
	var cases []jen.Code
	seen := map[string]bool{}
	for _, v := range u.Variants {
		var vals []jen.Code
		for _, val := range v.Values {
			if !seen[val] {
				seen[val] = true
				vals = append(vals, jen.Lit(val))
			}
		}
		if len(vals) == 0 {
			continue
		}
		cases = append(cases, jen.Case(vals...).Block(
			jen.Id("v").Op(":=").New(g.goType(v.Type)),
			jen.If(jen.Err().Op(":=").Qual(pkgJSON, "Unmarshal").Call(jen.Id("data"), jen.Id("v")), jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Err()),
			),
			jen.Id("u").Dot(v.Name).Op("=").Add(g.variantValue(v.Type)),
			jen.Return(jen.Nil()),
		))
	}
	if len(cases) == 0 {
		return
	}
	bg.Var().Id("probe").Map(jen.String()).Qual(pkgJSON, "RawMessage")
	bg.If(jen.Qual(pkgJSON, "Unmarshal").Call(jen.Id("data"), jen.Op("&").Id("probe")).Op("==").Nil()).BlockFunc(func(ig *jen.Group) {
		ig.Var().Id("kind").String()
		ig.Id("_").Op("=").Qual(pkgJSON, "Unmarshal").Call(jen.Id("probe").Index(jen.Lit(u.Discriminator)), jen.Op("&").Id("kind"))
		ig.Switch(jen.Id("kind")).Block(cases...)
	})
}

// fallbackVariant is the variant decoding values no discriminator value
// selects, or nil.
func fallbackVariant(u *ir.Union) *ir.Variant {
	for i := range u.Variants {
		if u.Fallback != "" && u.Variants[i].Name == u.Fallback {
			return &u.Variants[i]
		}
	}
	return nil
}

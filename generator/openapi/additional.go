package openapi

import (
	"github.com/dave/jennifer/jen"

	"github.com/infgen/infgen/ir"
)

// additionalMethods gives a struct with typed additionalProperties JSON
// methods that flatten the AdditionalProperties map next to the fixed
// properties.
func (g *generator) additionalMethods(f *jen.File, t *ir.Type) {
	field := ir.AdditionalPropertiesField
	elem := g.elemType(*t.Additional)
	f.Add(comment("MarshalJSON encodes the fixed properties and " + field + "."))
	f.Func().Params(jen.Id("v").Id(t.Name)).Id("MarshalJSON").Params().Params(jen.Index().Byte(), jen.Error()).Block(
		jen.Type().Id("plain").Id(t.Name),
		jen.List(jen.Id("data"), jen.Err()).Op(":=").Qual(pkgJSON, "Marshal").Call(jen.Id("plain").Call(jen.Id("v"))),
		jen.If(jen.Err().Op("!=").Nil().Op("||").Len(jen.Id("v").Dot(field)).Op("==").Lit(0)).Block(jen.Return(jen.Id("data"), jen.Err())),
		jen.List(jen.Id("extra"), jen.Err()).Op(":=").Qual(pkgJSON, "Marshal").Call(jen.Id("v").Dot(field)),
		jen.If(errNotNil()).Block(jen.Return(jen.Nil(), jen.Err())),
		jen.If(jen.String().Call(jen.Id("data")).Op("==").Lit("{}")).Block(jen.Return(jen.Id("extra"), jen.Nil())),
		jen.Return(
			jen.Append(
				jen.Append(jen.Id("data").Index(jen.Empty(), jen.Len(jen.Id("data")).Op("-").Lit(1)), jen.LitRune(',')),
				jen.Id("extra").Index(jen.Lit(1), jen.Empty()).Op("..."),
			),
			jen.Nil(),
		),
	)
	f.Add(comment("UnmarshalJSON decodes the fixed properties and collects the others in " + field + "."))
	f.Func().Params(jen.Id("v").Op("*").Id(t.Name)).Id("UnmarshalJSON").Params(jen.Id("data").Index().Byte()).Error().Block(
		jen.Type().Id("plain").Id(t.Name),
		jen.If(jen.Err().Op(":=").Qual(pkgJSON, "Unmarshal").Call(jen.Id("data"), jen.Parens(jen.Op("*").Id("plain")).Call(jen.Id("v"))), errNotNil()).Block(jen.Return(jen.Err())),
		jen.Var().Id("all").Map(jen.String()).Qual(pkgJSON, "RawMessage"),
		jen.If(jen.Err().Op(":=").Qual(pkgJSON, "Unmarshal").Call(jen.Id("data"), jen.Op("&").Id("all")), errNotNil()).Block(jen.Return(jen.Err())),
		jen.For(jen.List(jen.Id("_"), jen.Id("k")).Op(":=").Range().Index().String().ValuesFunc(func(vg *jen.Group) {
			for _, fl := range t.Fields {
				vg.Lit(fl.JSONName)
			}
		})).Block(jen.Delete(jen.Id("all"), jen.Id("k"))),
		jen.Id("v").Dot(field).Op("=").Nil(),
		jen.If(jen.Len(jen.Id("all")).Op(">").Lit(0)).Block(
			jen.Id("v").Dot(field).Op("=").Make(jen.Map(jen.String()).Add(elem.Clone()), jen.Len(jen.Id("all"))),
		),
		jen.For(jen.List(jen.Id("k"), jen.Id("raw")).Op(":=").Range().Id("all")).Block(
			jen.Var().Id("x").Add(elem),
			jen.If(jen.Err().Op(":=").Qual(pkgJSON, "Unmarshal").Call(jen.Id("raw"), jen.Op("&").Id("x")), errNotNil()).Block(
				jen.Return(jen.Qual(pkgFmt, "Errorf").Call(jen.Lit("decode "+t.Name+" property %q: %w"), jen.Id("k"), jen.Err())),
			),
			jen.Id("v").Dot(field).Index(jen.Id("k")).Op("=").Id("x"),
		),
		jen.Return(jen.Nil()),
	)
}

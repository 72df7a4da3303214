package generator

import (
	"github.com/dave/jennifer/jen"
)

// styleHelpers: styleParam (path and header), addQuery, cookieParam.
func (g *oapiGen) styleHelpers(f *jen.File) {
	f.Add(comment("styleParam serializes a path or header parameter in style simple, label\nor matrix; path values are escaped."))
	f.Func().Id("styleParam").Params(id("style").String(), id("explode").Bool(), id("name").String(), id("v").Any(), id("path").Bool()).String().Block(
		id("esc").Op(":=").Func().Params(id("s").String()).String().Block(
			jen.If(id("path")).Block(jen.Return(jen.Qual(pkgURL, "PathEscape").Call(id("s")))),
			jen.Return(id("s")),
		),
		jen.List(id("list"), id("obj")).Op(":=").Id("paramParts").Call(id("v")),
		jen.Var().Id("items").Index().String(),
		id("pairs").Op(":=").False(),
		jen.Switch().Block(
			jen.Case(id("obj").Op("!=").Nil()).Block(
				id("pairs").Op("=").Id("explode"),
				jen.For(jen.List(jen.Id("_"), id("kv")).Op(":=").Range().Id("obj")).Block(
					jen.If(id("explode")).Block(
						id("items").Op("=").Append(id("items"), id("esc").Call(id("kv").Index(jen.Lit(0))).Op("+").Lit("=").Op("+").Id("esc").Call(id("kv").Index(jen.Lit(1)))),
					).Else().Block(
						id("items").Op("=").Append(id("items"), id("esc").Call(id("kv").Index(jen.Lit(0))), id("esc").Call(id("kv").Index(jen.Lit(1)))),
					),
				),
			),
			jen.Case(id("list").Op("!=").Nil()).Block(
				jen.For(jen.List(jen.Id("_"), id("s")).Op(":=").Range().Id("list")).Block(
					id("items").Op("=").Append(id("items"), id("esc").Call(id("s"))),
				),
			),
			jen.Default().Block(id("items").Op("=").Index().String().Values(id("esc").Call(id("paramString").Call(id("v"))))),
		),
		jen.Switch(id("style")).Block(
			jen.Case(jen.Lit("label")).Block(
				id("sep").Op(":=").Lit(","),
				jen.If(id("explode")).Block(id("sep").Op("=").Lit(".")),
				jen.Return(jen.Lit(".").Op("+").Qual(pkgStrings, "Join").Call(id("items"), id("sep"))),
			),
			jen.Case(jen.Lit("matrix")).Block(
				jen.If(id("pairs")).Block(jen.Return(jen.Lit(";").Op("+").Qual(pkgStrings, "Join").Call(id("items"), jen.Lit(";")))),
				jen.If(id("explode").Op("&&").Id("list").Op("!=").Nil()).Block(
					id("prefix").Op(":=").Lit(";").Op("+").Id("name").Op("+").Lit("="),
					jen.Return(id("prefix").Op("+").Qual(pkgStrings, "Join").Call(id("items"), id("prefix"))),
				),
				jen.Return(jen.Lit(";").Op("+").Id("name").Op("+").Lit("=").Op("+").Qual(pkgStrings, "Join").Call(id("items"), jen.Lit(","))),
			),
		),
		jen.Return(jen.Qual(pkgStrings, "Join").Call(id("items"), jen.Lit(","))),
	)

	f.Add(comment("addQuery adds a query parameter in style form, spaceDelimited,\npipeDelimited or deepObject."))
	f.Func().Id("addQuery").Params(id("q").Qual(pkgURL, "Values"), id("style").String(), id("explode").Bool(), id("name").String(), id("v").Any()).Block(
		jen.List(id("list"), id("obj")).Op(":=").Id("paramParts").Call(id("v")),
		jen.Switch().Block(
			jen.Case(id("obj").Op("!=").Nil()).Block(
				jen.Var().Id("flat").Index().String(),
				jen.For(jen.List(jen.Id("_"), id("kv")).Op(":=").Range().Id("obj")).Block(
					jen.Switch().Block(
						jen.Case(id("style").Op("==").Lit("deepObject")).Block(
							id("q").Dot("Add").Call(id("name").Op("+").Lit("[").Op("+").Id("kv").Index(jen.Lit(0)).Op("+").Lit("]"), id("kv").Index(jen.Lit(1))),
						),
						jen.Case(id("explode")).Block(id("q").Dot("Add").Call(id("kv").Index(jen.Lit(0)), id("kv").Index(jen.Lit(1)))),
						jen.Default().Block(id("flat").Op("=").Append(id("flat"), id("kv").Index(jen.Lit(0)), id("kv").Index(jen.Lit(1)))),
					),
				),
				jen.If(id("flat").Op("!=").Nil()).Block(id("q").Dot("Add").Call(id("name"), jen.Qual(pkgStrings, "Join").Call(id("flat"), jen.Lit(",")))),
			),
			jen.Case(id("list").Op("!=").Nil()).Block(
				jen.Switch().Block(
					jen.Case(id("style").Op("==").Lit("spaceDelimited").Op("&&").Op("!").Id("explode")).Block(
						id("q").Dot("Add").Call(id("name"), jen.Qual(pkgStrings, "Join").Call(id("list"), jen.Lit(" "))),
					),
					jen.Case(id("style").Op("==").Lit("pipeDelimited").Op("&&").Op("!").Id("explode")).Block(
						id("q").Dot("Add").Call(id("name"), jen.Qual(pkgStrings, "Join").Call(id("list"), jen.Lit("|"))),
					),
					jen.Case(id("explode")).Block(
						jen.For(jen.List(jen.Id("_"), id("s")).Op(":=").Range().Id("list")).Block(id("q").Dot("Add").Call(id("name"), id("s"))),
					),
					jen.Default().Block(id("q").Dot("Add").Call(id("name"), jen.Qual(pkgStrings, "Join").Call(id("list"), jen.Lit(",")))),
				),
			),
			jen.Default().Block(id("q").Dot("Add").Call(id("name"), id("paramString").Call(id("v")))),
		),
	)

	f.Add(comment("cookieParam serializes a cookie parameter value (style form)."))
	f.Func().Id("cookieParam").Params(id("v").Any()).String().Block(
		jen.List(id("list"), id("obj")).Op(":=").Id("paramParts").Call(id("v")),
		jen.Switch().Block(
			jen.Case(id("obj").Op("!=").Nil()).Block(
				jen.Var().Id("flat").Index().String(),
				jen.For(jen.List(jen.Id("_"), id("kv")).Op(":=").Range().Id("obj")).Block(
					id("flat").Op("=").Append(id("flat"), id("kv").Index(jen.Lit(0)), id("kv").Index(jen.Lit(1))),
				),
				jen.Return(jen.Qual(pkgStrings, "Join").Call(id("flat"), jen.Lit(","))),
			),
			jen.Case(id("list").Op("!=").Nil()).Block(jen.Return(jen.Qual(pkgStrings, "Join").Call(id("list"), jen.Lit(",")))),
		),
		jen.Return(id("paramString").Call(id("v"))),
	)
}

// bodyHelpers: formBody and multipartBody.
func (g *oapiGen) bodyHelpers(f *jen.File) {
	f.Add(comment("formBody encodes v as application/x-www-form-urlencoded: object\nproperties become fields, arrays repeat the field."))
	f.Func().Id("formBody").Params(id("v").Any()).String().Block(
		id("q").Op(":=").Qual(pkgURL, "Values").Values(),
		jen.List(jen.Id("_"), id("obj")).Op(":=").Id("paramParts").Call(id("v")),
		jen.For(jen.List(jen.Id("_"), id("kv")).Op(":=").Range().Id("obj")).Block(
			jen.Var().Id("items").Index().String(),
			jen.If(jen.Qual(pkgJSON, "Unmarshal").Call(jen.Index().Byte().Call(id("kv").Index(jen.Lit(1))), jen.Op("&").Id("items")).Op("==").Nil()).Block(
				jen.For(jen.List(jen.Id("_"), id("s")).Op(":=").Range().Id("items")).Block(id("q").Dot("Add").Call(id("kv").Index(jen.Lit(0)), id("s"))),
				jen.Continue(),
			),
			id("q").Dot("Add").Call(id("kv").Index(jen.Lit(0)), id("kv").Index(jen.Lit(1))),
		),
		jen.Return(id("q").Dot("Encode").Call()),
	)

	f.Add(comment("multipartBody encodes a struct as multipart/form-data: []byte fields are\nsent as files, other fields as values (objects as JSON)."))
	f.Func().Id("multipartBody").Params(id("v").Any()).Params(jen.Qual(pkgIO, "Reader"), jen.String(), jen.Error()).Block(
		jen.Var().Id("buf").Qual(pkgBytes, "Buffer"),
		id("mw").Op(":=").Qual(pkgMultipart, "NewWriter").Call(jen.Op("&").Id("buf")),
		id("rv").Op(":=").Qual(pkgReflect, "ValueOf").Call(id("v")),
		jen.For(id("rv").Dot("Kind").Call().Op("==").Qual(pkgReflect, "Pointer").Op("&&").Op("!").Id("rv").Dot("IsNil").Call()).Block(
			id("rv").Op("=").Id("rv").Dot("Elem").Call(),
		),
		jen.If(id("rv").Dot("Kind").Call().Op("==").Qual(pkgReflect, "Struct")).Block(
			jen.For(id("i").Op(":=").Range().Id("rv").Dot("NumField").Call()).Block(
				id("field").Op(":=").Id("rv").Dot("Type").Call().Dot("Field").Call(id("i")),
				jen.List(id("name"), jen.Id("_"), jen.Id("_")).Op(":=").Qual(pkgStrings, "Cut").Call(id("field").Dot("Tag").Dot("Get").Call(jen.Lit("json")), jen.Lit(",")),
				id("fv").Op(":=").Id("rv").Dot("Field").Call(id("i")),
				jen.If(id("name").Op("==").Lit("").Op("||").Id("name").Op("==").Lit("-").Op("||").Id("fv").Dot("IsZero").Call()).Block(jen.Continue()),
				jen.If(jen.List(id("b"), id("ok")).Op(":=").Id("fv").Dot("Interface").Call().Assert(jen.Index().Byte()), id("ok")).Block(
					jen.List(id("w"), jen.Err()).Op(":=").Id("mw").Dot("CreateFormFile").Call(id("name"), id("name")),
					jen.If(errNotNil()).Block(jen.Return(jen.Nil(), jen.Lit(""), jen.Err())),
					jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("w").Dot("Write").Call(id("b")), errNotNil()).Block(jen.Return(jen.Nil(), jen.Lit(""), jen.Err())),
					jen.Continue(),
				),
				id("s").Op(":=").Id("paramString").Call(id("fv").Dot("Interface").Call()),
				jen.If(jen.Err().Op(":=").Id("mw").Dot("WriteField").Call(id("name"), id("s")), errNotNil()).Block(jen.Return(jen.Nil(), jen.Lit(""), jen.Err())),
			),
		),
		jen.If(jen.Err().Op(":=").Id("mw").Dot("Close").Call(), errNotNil()).Block(jen.Return(jen.Nil(), jen.Lit(""), jen.Err())),
		jen.Return(jen.Op("&").Id("buf"), id("mw").Dot("FormDataContentType").Call(), jen.Nil()),
	)
}

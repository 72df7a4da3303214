package openapi

import (
	"strings"

	"github.com/dave/jennifer/jen"
)

// mediaKind is how a media type is encoded.
type mediaKind int

const (
	mediaJSON mediaKind = iota
	mediaForm
	mediaMultipart
	mediaText
	mediaRaw
)

func mediaKindOf(mt string) mediaKind {
	mt = strings.ToLower(mt)
	switch {
	case strings.Contains(mt, "json"):
		return mediaJSON
	case mt == "application/x-www-form-urlencoded":
		return mediaForm
	case mt == "multipart/form-data":
		return mediaMultipart
	case strings.HasPrefix(mt, "text/"):
		return mediaText
	}
	return mediaRaw
}

// sentMediaType is the Content-Type of a request body: the declared media
// type, or for a wildcard ("*/*", "application/*") the type of the
// encoding used.
func sentMediaType(mt string, kind mediaKind) string {
	if !strings.Contains(mt, "*") {
		return mt
	}
	switch kind {
	case mediaJSON:
		return "application/json"
	case mediaText:
		return "text/plain"
	}
	return "application/octet-stream"
}

// undeclaredStatusFunc is the HTTP client's function that turns a response
// with a status the operation does not declare into an *APIError.
const undeclaredStatusFunc = "undeclaredStatus"

// undeclaredStatus declares undeclaredStatusFunc.
func undeclaredStatus(f *jen.File) {
	f.Add(comment(undeclaredStatusFunc + " is the *APIError of a response to operation op with a status\nthe operation does not declare, classified as retryable or not."))
	f.Func().Id(undeclaredStatusFunc).Params(jen.Id("op").String(), jen.Id("resp").Op("*").Qual(pkgHTTP, "Response"), jen.Id("data").Index().Byte()).Error().Block(
		jen.Return(jen.Qual(pkgHTTPAPI, "Classify").Call(jen.Id("resp"), jen.Op("&").Id("APIError").Values(jen.Dict{
			jen.Id("Operation"):  jen.Id("op"),
			jen.Id("StatusCode"): jen.Id("resp").Dot("StatusCode"),
			jen.Id("Header"):     jen.Id("resp").Dot("Header"),
			jen.Id("Message"):    jen.Qual(pkgHTTPAPI, "BodySnippet").Call(jen.Id("data")),
		}))),
	)
}

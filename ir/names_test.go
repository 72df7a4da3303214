package ir_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/ir"
)

func TestGoName(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"pet_id":            "PetID",
		"petId":             "PetID",
		"get /users/{id}":   "GetUsersID",
		"x-rate-limit":      "XRateLimit",
		"HTTPServer":        "HTTPServer",
		"XMLHttpRequest":    "XMLHTTPRequest",
		"ACTIVE":            "Active",
		"type":              "Type",
		"+1":                "Plus1",
		"-1":                "Minus1",
		"1":                 "X1",
		"+":                 "Plus",
		"":                  "Empty",
		"v2_api":            "V2API",
		"имя":               "Имя",
		"获取ID":              "X获取ID",
		"uuid":              "UUID",
		"ids":               "IDs",
		"OpenAI API":        "OpenAIAPI",
		"oauth":             "OAuth",
		"user_urls":         "UserURLs",
		"getURLForUser":     "GetURLForUser",
		"createInvoice":     "CreateInvoice",
		"application/json":  "ApplicationJSON",
		"__proto__":         "Proto",
		"Pet.Store":         "PetStore",
		"already_CamelCase": "AlreadyCamelCase",
	}
	for in, want := range cases {
		require.Equal(t, want, ir.GoName(in), "GoName(%q)", in)
	}
}

func TestGoNameSuffix(t *testing.T) {
	t.Parallel()
	require.Equal(t, "1", ir.GoNameSuffix("1"))
	require.Equal(t, "Minus1", ir.GoNameSuffix("-1"))
	require.Equal(t, "PastDue", ir.GoNameSuffix("past-due"))
}

func TestLowerGoName(t *testing.T) {
	t.Parallel()
	require.Equal(t, "petID", ir.LowerGoName("pet_id"))
	require.Equal(t, "httpClient", ir.LowerGoName("HTTPClient"))
	require.Equal(t, "type_", ir.LowerGoName("type"))
	require.Equal(t, "string_", ir.LowerGoName("string"))
	require.Equal(t, "id", ir.LowerGoName("ID"))
}

func TestPackageName(t *testing.T) {
	t.Parallel()
	require.Equal(t, "swaggerpetstore", ir.PackageName("Swagger Petstore"))
	require.Equal(t, "api", ir.PackageName("123"))
	require.Equal(t, "typeapi", ir.PackageName("type"))
}

func TestScope(t *testing.T) {
	t.Parallel()
	s := ir.NewScope("ServiceName")
	require.Equal(t, "ServiceName2", s.Unique("ServiceName"))
	require.Equal(t, "Pet", s.Unique("Pet"))
	require.Equal(t, "Pet2", s.Unique("Pet"))
	require.Equal(t, "Pet3", s.Unique("Pet"))
	dispatch := func(n string) []string { return []string{ir.DispatchName(n)} }
	require.Equal(t, "DispatchFoo", s.UniqueWith("DispatchFoo", dispatch))
	require.Equal(t, "Foo2", s.UniqueWith("Foo", func(n string) []string {
		if n == "Foo" {
			return []string{"DispatchFoo"}
		}
		return dispatch(n)
	}))
}

func TestStatusName(t *testing.T) {
	t.Parallel()
	require.Equal(t, "404", ir.StatusName("404"))
	require.Equal(t, "2XX", ir.StatusName("2xx"))
	require.Equal(t, "Default", ir.StatusName("default"))
	require.Equal(t, "Body404", "Body"+ir.StatusName("404"), "no X before a leading digit")
}

func TestGoNameKeepsStatusClasses(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		"GetStatusesError4XX": "GetStatusesError4XX",
		"error 5xx":           "Error5XX",
		"4XX":                 "X4XX",
		"Body4XX":             "Body4XX",
		"max":                 "Max",
		"Error6XX":            "Error6Xx", // not a status class
	} {
		require.Equal(t, want, ir.GoName(raw), raw)
	}
	require.Equal(t, "body4XX", ir.LowerGoName("Body4XX"))
}

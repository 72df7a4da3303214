package openapi_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/ir"
	"github.com/infgen/infgen/parser/openapi"
)

// TestParseCredentialParameters: parameters that carry secrets are not
// input parameters (task inputs are stored in workflow history) but
// credentials, each warned about once, at its first declaration.
func TestParseCredentialParameters(t *testing.T) {
	t.Parallel()
	spec, err := openapi.Parse(context.Background(), filepath.Join("..", "..", "golden", "credentials", "input", "spec.yaml"))
	require.NoError(t, err)
	methods := map[string]ir.Method{}
	for _, m := range spec.Services[0].Methods {
		methods[m.Name] = m
	}
	get := methods["GetSecret"].HTTP
	var params []string
	for _, p := range get.Params {
		params = append(params, p.Name)
	}
	require.Equal(t, []string{"name", "pageToken", "keyId"}, params, "document order")
	require.Equal(t, []ir.Credential{
		{Name: "access_token", In: ir.InQuery, GoName: "AccessToken"},
		{Name: "X-Api-Key", In: ir.InHeader, Doc: "The account's API key.", Required: true, GoName: "XAPIKey"},
		{Name: "X-Tenant-Key", In: ir.InHeader, Scheme: "tenantKey", GoName: "TenantKey"},
		{Name: "session", In: ir.InCookie, GoName: "Session"},
	}, get.Credentials)
	put := methods["PutSecret"].HTTP
	require.Equal(t, []ir.Credential{{Name: "X-Api-Key", In: ir.InHeader, Doc: "The account's API key.", Required: true, GoName: "XAPIKey"}}, put.Credentials)
	require.Equal(t, "X-Rotation-Token", put.Params[1].Name, "x-infgen-credential: false keeps it")

	want := []string{
		"header parameter X-Api-Key looks like a credential: it is not an input field (task inputs are stored in workflow history); the HTTP client sends the value set with WithXAPIKey",
		"query parameter access_token looks like a credential",
		"cookie parameter session is marked x-infgen-credential: it is not an input field",
		"header parameter X-Tenant-Key is the credential of security scheme tenantKey: it is not an input field",
	}
	require.Len(t, spec.Warnings, len(want))
	for i, w := range spec.Warnings {
		require.Contains(t, w.Message, want[i])
	}
	require.Equal(t, 22, spec.Warnings[0].Pos.Line, "at the first declaration")
}

func TestParseCredentialExtensionMustBeABoolean(t *testing.T) {
	t.Parallel()
	path := write(t, "api.yaml", header+`paths:
  /a:
    get:
      parameters:
        - {name: X-Thing, in: header, x-infgen-credential: "yes", schema: {type: string}}
      responses: {"204": {description: ok}}
`)
	spec, err := openapi.Parse(context.Background(), path)
	require.NoError(t, err)
	require.Len(t, spec.Warnings, 1)
	require.Equal(t, 7, spec.Warnings[0].Pos.Line)
	require.Contains(t, spec.Warnings[0].Message, "x-infgen-credential must be true or false")
	require.Len(t, spec.Services[0].Methods[0].HTTP.Params, 1, "ignored: the parameter stays an input")
}

package contract_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/contract"
)

const petstore = "/work/shared/specs/openapi/petstore-expanded.yml"

// variant writes a copy of a shared spec with each old→new replacement
// made (each must match), and returns its path.
func variant(t *testing.T, src, name string, replace ...string) string {
	t.Helper()
	data, err := os.ReadFile(src)
	require.NoError(t, err)
	s := string(data)
	for i := 0; i < len(replace); i += 2 {
		require.Contains(t, s, replace[i], "replacement %d", i/2)
		s = strings.Replace(s, replace[i], replace[i+1], 1)
	}
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(s), 0o644))
	return p
}

// find returns the findings of a rule.
func find(r *contract.Report, rule string) []contract.Finding {
	var out []contract.Finding
	for _, f := range r.Findings {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}

func TestOpenAPISameSpecHasNoFindings(t *testing.T) {
	r, err := contract.OpenAPI(t.Context(), petstore, petstore)
	require.NoError(t, err)
	require.Empty(t, r.Findings)
	require.False(t, r.Breaking())
}

func TestOpenAPIRemovedOperationBreaks(t *testing.T) {
	newSpec := variant(t, petstore, "new.yml", `    delete:
      description: deletes a single pet based on the ID supplied
      operationId: deletePet
      parameters:
        - name: id
          in: path
          description: ID of pet to delete
          required: true
          schema:
            type: integer
            format: int64
      responses:
        '204':
          description: pet deleted
        default:
          description: unexpected error
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Error'
`, "")
	r, err := contract.OpenAPI(t.Context(), petstore, newSpec)
	require.NoError(t, err)
	require.True(t, r.Breaking())
	got := find(r, "api-removed-without-deprecation")
	require.Len(t, got, 1, "%+v", r.Findings)
	require.Equal(t, contract.Error, got[0].Severity)
	require.Equal(t, "DELETE /pets/{id}", got[0].Operation)
	require.Equal(t, petstore, got[0].Location.File, "a removed operation is located in the old file")
	require.Positive(t, got[0].Location.Line)
}

func TestOpenAPINewRequiredRequestPropertyBreaks(t *testing.T) {
	newSpec := variant(t, petstore, "new.yml", "      required:\n        - name  \n", "      required:\n        - name\n        - tag\n")
	r, err := contract.OpenAPI(t.Context(), petstore, newSpec)
	require.NoError(t, err)
	require.True(t, r.Breaking())
	got := find(r, "request-property-became-required")
	require.NotEmpty(t, got, "%+v", r.Findings)
	require.Equal(t, "POST /pets", got[0].Operation)
	require.Contains(t, got[0].Message, "tag")
}

func TestOpenAPIEnumNarrowingBreaksAndWideningDoesNot(t *testing.T) {
	const tag = "        tag:\n          type: string    \n"
	oldSpec := variant(t, petstore, "old.yml", tag, "        tag:\n          type: string\n          enum: [dog, cat, bird]\n")
	narrow := variant(t, oldSpec, "narrow.yml", "enum: [dog, cat, bird]", "enum: [dog, cat]")
	r, err := contract.OpenAPI(t.Context(), oldSpec, narrow)
	require.NoError(t, err)
	require.True(t, r.Breaking(), "%+v", r.Findings)
	got := find(r, "request-property-enum-value-removed")
	require.NotEmpty(t, got, "%+v", r.Findings)
	require.Equal(t, oldSpec, got[0].Location.File, "a removed value is located in the old file")
	require.Positive(t, got[0].Location.Line)

	// A response enum that widens breaks; a request enum that widens does
	// not: the same schema is in both, so check the request side alone.
	wide := variant(t, oldSpec, "wide.yml", "enum: [dog, cat, bird]", "enum: [dog, cat, bird, fish]")
	r, err = contract.OpenAPI(t.Context(), oldSpec, wide)
	require.NoError(t, err)
	require.Empty(t, find(r, "request-property-enum-value-removed"))
	require.NotEmpty(t, find(r, "response-property-enum-value-added"), "%+v", r.Findings)
}

func TestOpenAPIAddedOperationIsCompatible(t *testing.T) {
	newSpec := variant(t, petstore, "new.yml", "  /pets/{id}:\n", `  /pets/{id}/photos:
    get:
      operationId: listPhotos
      parameters:
        - name: id
          in: path
          required: true
          schema:
            type: integer
      responses:
        '200':
          description: photos
  /pets/{id}:
`)
	r, err := contract.OpenAPI(t.Context(), petstore, newSpec)
	require.NoError(t, err)
	require.False(t, r.Breaking(), "%+v", r.Findings)
	got := find(r, "endpoint-added")
	require.Len(t, got, 1, "%+v", r.Findings)
	require.Equal(t, contract.Info, got[0].Severity)
}

func TestOpenAPIBrokenDocumentIsAnInputError(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: {200: {$ref: '#/components/responses/Nope'}}\n"), 0o644))
	_, err := contract.OpenAPI(t.Context(), petstore, bad)
	require.ErrorContains(t, err, "bad.yaml:6:31")
}

func TestOpenAPISwagger2IsConverted(t *testing.T) {
	const doc = `swagger: "2.0"
info: {title: t, version: "1"}
paths:
  /a:
    get:
      operationId: getA
      responses: {200: {description: ok}}
  /b:
    get:
      operationId: getB
      responses: {200: {description: ok}}
`
	dir := t.TempDir()
	oldSpec := filepath.Join(dir, "old.yaml")
	require.NoError(t, os.WriteFile(oldSpec, []byte(doc), 0o644))
	newSpec := filepath.Join(dir, "new.yaml")
	require.NoError(t, os.WriteFile(newSpec, []byte(strings.Replace(doc, "  /b:\n    get:\n      operationId: getB\n      responses: {200: {description: ok}}\n", "", 1)), 0o644))
	r, err := contract.OpenAPI(t.Context(), oldSpec, newSpec)
	require.NoError(t, err)
	require.True(t, r.Breaking(), "%+v", r.Findings)
	require.Equal(t, "GET /b", find(r, "api-path-removed-without-deprecation")[0].Operation)
}

func TestOpenAPIRenamedOperationIDBreaksTheGeneratedCode(t *testing.T) {
	newSpec := variant(t, petstore, "new.yml", "operationId: addPet", "operationId: createPet", "title: Swagger Petstore", "title: Pet Store")
	r, err := contract.OpenAPI(t.Context(), petstore, newSpec)
	require.NoError(t, err)
	got := find(r, "infgen-method-renamed")
	require.Len(t, got, 1, "%+v", r.Findings)
	require.Equal(t, "POST /pets", got[0].Operation)
	require.Contains(t, got[0].Message, "from AddPet to CreatePet")
	require.Equal(t, newSpec, got[0].Location.File)
	require.Len(t, find(r, "infgen-service-renamed"), 1)
}

package openapi_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/generator/gen"
	"github.com/infgen/infgen/generator/openapi"
	oaparser "github.com/infgen/infgen/parser/openapi"
)

// corpusRoot finds the documents of a corpus: YAML or JSON files with a
// top-level "openapi" or "swagger" field (referenced fragments are skipped).
var corpusRoot = regexp.MustCompile(`(?m)^["']?(openapi|swagger)["']?\s*:|^\s*\{\s*"(openapi|swagger)"\s*:`)

// TestOpenAPICorpus runs every OpenAPI/Swagger document under the
// directory named by INFGEN_OPENAPI_CORPUS through the parser and the
// generator: each must either generate a package (all of them are then
// vetted together) or fail with an error positioned as file:line:col.
// Without the variable the test is skipped; docs/generate-openapi.md says
// how the real-world corpus was gathered.
func TestOpenAPICorpus(t *testing.T) {
	dir := os.Getenv("INFGEN_OPENAPI_CORPUS")
	if dir == "" {
		t.Skip("INFGEN_OPENAPI_CORPUS is not set: no corpus of OpenAPI documents to run")
	}
	var docs []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch filepath.Ext(p) {
		case ".yaml", ".yml", ".json":
		default:
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if corpusRoot.Match(data) {
			docs = append(docs, p)
		}
		return nil
	})
	require.NoError(t, err)
	require.NotEmpty(t, docs, "no OpenAPI or Swagger document under %s", dir)

	root := repoRoot(t)
	tmp, err := os.MkdirTemp(root, ".infgen-corpus-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(tmp) })
	var pkgs []string
	generated, rejected := 0, 0
	for i, doc := range docs {
		spec, err := oaparser.Parse(context.Background(), doc)
		if err != nil {
			var pe *oaparser.Error
			if !errors.As(err, &pe) || pe.Pos.Line < 1 || pe.Pos.Col < 1 {
				t.Errorf("%s: error without file:line:col: %v", doc, err)
			}
			rejected++
			continue
		}
		name := fmt.Sprintf("c%04d", i)
		files, err := openapi.Generate(spec, gen.Options{Package: name})
		if err != nil {
			t.Errorf("%s: generate: %v", doc, err)
			continue
		}
		out := filepath.Join(tmp, name)
		require.NoError(t, os.MkdirAll(out, 0o755))
		for _, f := range files {
			require.NoError(t, os.WriteFile(filepath.Join(out, f.Name), f.Content, 0o644))
		}
		pkgs = append(pkgs, "./"+filepath.ToSlash(strings.TrimPrefix(out, root+string(filepath.Separator))))
		generated++
	}
	t.Logf("%d documents: %d generated, %d rejected with a positioned error", len(docs), generated, rejected)
	if len(pkgs) == 0 {
		return
	}
	cmd := exec.Command("go", append([]string{"vet"}, pkgs...)...)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go vet of generated packages (cNNNN is the index in walk order of %s):\n%s", dir, out)
}

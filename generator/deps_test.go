package generator_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPackageDependencies checks the import rules the packages' doc.go
// state: parsers and generators meet only in ir, each input's generator
// stands alone over the gen toolkit, and nothing at generate time links
// the runtime whose code it emits.
func TestPackageDependencies(t *testing.T) {
	t.Parallel()
	const mod = "github.com/infgen/infgen/"
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Deps " "}}`, "../parser/...", "../proto/...", "./...").Output()
	require.NoError(t, err)
	forbidden := []struct{ pkg, dep string }{
		{"parser/", "generator"},
		{"generator", "parser/"},
		{"generator", "runtime/"},
		{"generator/gen", "generator/openapi"},
		{"generator/gen", "generator/grpc"},
		{"generator/openapi", "generator/grpc"},
		{"generator/grpc", "generator/openapi"},
		// The options .proto files import is plain protobuf code.
		{"proto/", "ir"},
		{"proto/", "parser/"},
		{"proto/", "generator"},
		{"proto/", "runtime/"},
		// Only tests import the -update flag: no global state in generation.
		{"generator", "generator/internal/goldenflag"},
	}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(fields[0], mod)
		if strings.Contains(pkg, "/golden/") || strings.HasPrefix(pkg, "golden/") {
			continue
		}
		checked++
		for _, dep := range fields[1:] {
			dep, ours := strings.CutPrefix(dep, mod)
			if !ours {
				continue
			}
			for _, f := range forbidden {
				if strings.HasPrefix(pkg, f.pkg) && strings.HasPrefix(dep, f.dep) {
					t.Errorf("%s imports %s (directly or not)", pkg, dep)
				}
			}
		}
	}
	require.Greater(t, checked, 6)
}

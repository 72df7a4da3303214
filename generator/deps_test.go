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
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Deps " "}}`, "../parser/...", "../contract/...", "../proto/...", "./...").Output()
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
		// Contract checks read specs; the CLI feeds them what the runtime recorded.
		{"contract", "runtime/"},
		{"contract", "generator"},
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

// TestEventPackageImports checks the import rules of the event packages'
// doc.go: the CloudEvent type imports nothing of the module, and package
// events reaches the engine, storage and transport only through worker and
// client.
func TestEventPackageImports(t *testing.T) {
	t.Parallel()
	const mod = "github.com/infgen/infgen/"
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`,
		"../runtime/events", "../runtime/internal/cloudevent").Output()
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	require.Len(t, lines, 2)
	for _, line := range lines {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(fields[0], mod)
		for _, dep := range fields[1:] {
			dep, ours := strings.CutPrefix(dep, mod)
			if !ours {
				continue
			}
			switch {
			case pkg == "runtime/internal/cloudevent":
				t.Errorf("%s imports %s", pkg, dep)
			case pkg == "runtime/events" && dep != "runtime/worker" && dep != "runtime/client" && dep != "runtime/internal/cloudevent":
				t.Errorf("%s imports %s", pkg, dep)
			}
		}
	}
}

// TestWebhookReceiverImports checks what runtime/webhook's doc.go states:
// it reaches the engine only through runtime/client, and links nothing of
// generate time.
func TestWebhookReceiverImports(t *testing.T) {
	t.Parallel()
	const mod = "github.com/infgen/infgen/"
	out, err := exec.Command("go", "list", "-f", `{{join .Imports " "}}`, "../runtime/webhook").Output()
	require.NoError(t, err)
	imports := strings.Fields(string(out))
	require.Contains(t, imports, mod+"runtime/client")
	for _, dep := range imports {
		for _, bad := range []string{"runtime/internal", "runtime/storage", "runtime/transport", "runtime/worker", "generator", "parser", "ir"} {
			require.False(t, strings.HasPrefix(dep, mod+bad), "runtime/webhook imports %s", dep)
		}
	}
}

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestLargeSpecNote generates a spec of 501 operations: generate says how
// much memory compiling the package takes and how to generate part of it;
// with --tags, or a spec of 500 operations, it says nothing.
func TestLargeSpecNote(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	spec := func(n int) string {
		var b strings.Builder
		b.WriteString("openapi: 3.1.0\ninfo: {title: Big, version: \"1\"}\npaths:\n")
		for i := range n {
			fmt.Fprintf(&b, "  /things/%d:\n    get:\n      operationId: getThing%d\n      tags: [t%d]\n      responses:\n        \"204\": {description: none}\n", i, i, i%3)
		}
		return b.String()
	}
	big := filepath.Join(dir, "big.yaml")
	require.NoError(t, os.WriteFile(big, []byte(spec(501)), 0o644))
	stderr, code := runMain(t, "generate", "openapi", big, "--out", filepath.Join(dir, "big"))
	require.Zero(t, code, stderr)
	require.Equal(t, big+": note: 501 operations in one package: compiling it takes about 400 MB of memory; "+
		"--tags or --operations generates only those your workflows call (docs/generate-openapi.md#part-of-a-large-api)\n", stderr)

	stderr, code = runMain(t, "generate", "openapi", big, "--tags", "t1", "--out", filepath.Join(dir, "part"))
	require.Zero(t, code, stderr)
	require.Empty(t, stderr)

	small := filepath.Join(dir, "small.yaml")
	require.NoError(t, os.WriteFile(small, []byte(spec(500)), 0o644))
	stderr, code = runMain(t, "generate", "openapi", small, "--out", filepath.Join(dir, "small"))
	require.Zero(t, code, stderr)
	require.Empty(t, stderr)
}

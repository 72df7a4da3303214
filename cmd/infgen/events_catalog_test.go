package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

var updateCatalog = flag.Bool("update-catalog", false, "rewrite testdata/catalog.md and catalog.json")

// TestEventsCatalogGolden lists the events of the billing example's payment
// package (from its descriptor) and of a sample package that emits and
// subscribes (from its source), in Markdown and JSON, against golden files
// (-update-catalog rewrites them).
func TestEventsCatalogGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ format, golden string }{
		{"markdown", "catalog.md"},
		{"json", "catalog.json"},
	} {
		cmd := newRootCmd()
		var out bytes.Buffer
		cmd.SetArgs([]string{"events", "catalog", "--format", tc.format, "../../examples/billing/gen/payment", "./testdata/eventsapp"})
		cmd.SetOut(&out)
		cmd.SetErr(&out)
		require.NoError(t, cmd.ExecuteContext(context.Background()), out.String())
		path := filepath.Join("testdata", tc.golden)
		if *updateCatalog {
			require.NoError(t, os.WriteFile(path, out.Bytes(), 0o644))
		}
		want, err := os.ReadFile(path)
		require.NoError(t, err)
		require.Equal(t, string(want), out.String(), "run go test ./cmd/infgen -run EventsCatalog -update-catalog and review the diff")
	}
}

// TestEventsCatalogRejectsUnknownFormat checks the --format values.
func TestEventsCatalogRejectsUnknownFormat(t *testing.T) {
	t.Parallel()
	cmd := newRootCmd()
	var out bytes.Buffer
	cmd.SetArgs([]string{"events", "catalog", "--format", "yaml", "./testdata/eventsapp"})
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	require.ErrorContains(t, cmd.ExecuteContext(context.Background()), `--format "yaml": want markdown or json`)
}

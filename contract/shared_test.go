package contract_test

import (
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/contract"
)

// TestEverySharedSpecAgainstItself: each shared spec compared with itself
// loads and has no finding.
func TestEverySharedSpecAgainstItself(t *testing.T) {
	t.Parallel()
	specs, err := filepath.Glob("/work/shared/specs/openapi/*")
	require.NoError(t, err)
	events, err := filepath.Glob("/work/shared/specs/events/*.yaml")
	require.NoError(t, err)
	for _, spec := range append(specs, events...) {
		r, err := contract.OpenAPI(t.Context(), spec, spec)
		require.NoError(t, err, spec)
		require.Empty(t, r.Findings, spec)
	}
	protos, err := filepath.Glob("/work/shared/specs/proto/grpc-examples/examples/*/*/*.proto")
	require.NoError(t, err)
	protos = append(protos, "/work/shared/specs/proto/grpc-examples/examples/features/proto/echo/echo.proto")
	for _, file := range protos {
		r, err := contract.Proto(t.Context(), nil, file, file)
		require.NoError(t, err, file)
		require.Empty(t, r.Findings, file)
	}
	const googleapis = "/work/shared/specs/proto/googleapis"
	checked := 0
	require.NoError(t, filepath.WalkDir(googleapis, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".proto" {
			return err
		}
		r, err := contract.Proto(t.Context(), []string{googleapis}, path, path)
		require.NoError(t, err, path)
		require.Empty(t, r.Findings, path)
		checked++
		return nil
	}))
	require.Greater(t, len(specs)+len(protos)+checked, 100)
}

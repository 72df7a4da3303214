package local_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/config"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/storage/embedded"
)

// TestWorkerStartOnADamagedStateFile: a worker's first start creates its
// missing state file; a start on an existing file that is empty or not a
// state file fails, naming it, and leaves it alone.
func TestWorkerStartOnADamagedStateFile(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "new.db")
	rt, err := local.Open(missing)
	require.NoError(t, err)
	require.NoError(t, rt.Close())
	require.FileExists(t, missing)

	empty := filepath.Join(dir, "empty.db")
	require.NoError(t, os.WriteFile(empty, nil, 0o600))
	_, err = local.Open(empty)
	require.ErrorIs(t, err, embedded.ErrDamaged)
	require.ErrorContains(t, err, empty)

	t.Setenv("INFGEN_PULSAR_URL", "")
	t.Setenv(embedded.EnvPath, empty)
	_, err = config.OpenBackends(context.Background(), slog.New(slog.DiscardHandler))
	require.ErrorIs(t, err, embedded.ErrDamaged, "config.Run opens its backends this way")
	st, err := os.Stat(empty)
	require.NoError(t, err)
	require.Zero(t, st.Size(), "the empty file was replaced")
}

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/admin"
	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/storage/embedded"
)

// TestWorkflowCommandsOnADamagedStateFile: a truncated, empty or foreign
// file given to --db is refused with an error naming the file and what to
// do — no panic, and the file is left as it was (an empty file used to be
// replaced by a new store, silently).
func TestWorkflowCommandsOnADamagedStateFile(t *testing.T) {
	t.Setenv("INFGEN_PULSAR_URL", "")
	t.Setenv(admin.EnvAddr, "")
	dir := t.TempDir()
	good := filepath.Join(dir, "good.db")
	_, c, stop := openState(t, good)
	for i := range 40 {
		_, err := c.Start(t.Context(), client.StartParams{Workflow: "waiter", ID: "w-" + string(rune('a'+i%26)) + string(rune('a'+i/26))})
		require.NoError(t, err)
	}
	stop()
	data, err := os.ReadFile(good)
	require.NoError(t, err)
	require.Greater(t, len(data), 20000)

	files := map[string][]byte{
		"truncated.db": data[:20000], // head -c 20000 good.db > t.db
		"empty.db":     {},           // : > z.db
		"notes.db":     []byte("not a state file\n"),
	}
	for name, content := range files {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, content, 0o600))
		for _, args := range [][]string{
			{"workflow", "list"},
			{"workflow", "describe", "w-aa"},
			{"dead-letters", "list"},
		} {
			_, err := infgen(t, append(args, "--db", path)...)
			require.ErrorIs(t, err, embedded.ErrDamaged, "%s %v", name, args)
			var buf bytes.Buffer
			printError(&buf, err)
			msg := buf.String()
			require.Contains(t, msg, path, "the error names the file")
			require.Contains(t, msg, "restore it from a backup", "the error says how to recover")
			require.NotContains(t, msg, "hint: a worker holding the file", "the file is damaged, not locked")
			after, err := os.ReadFile(path)
			require.NoError(t, err)
			require.True(t, bytes.Equal(content, after), "%s was changed", name)
		}
	}
	out, err := infgen(t, "workflow", "list", "--db", good)
	require.NoError(t, err, "the intact file still works")
	require.Contains(t, out, "w-aa")
}

package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestMain lets the park workload run this test binary again as its worker
// processes, as it runs the bench binary.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "park-child" {
		if err := parkChild(context.Background(), os.Args[2:], os.Stdout, os.Stderr); err != nil {
			_, _ = os.Stderr.WriteString("park-child: " + err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestParkSmoke parks 300 workflows in one process, kills it with SIGKILL,
// and checks that a second process on the same file completes all of them.
func TestParkSmoke(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg, err := parseParkFlags([]string{"-n", "300", "-c", "16", "-timeout", "90s"}, io.Discard)
	require.NoError(t, err)
	res, err := park(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	require.Equal(t, 300, res.N)
	require.Positive(t, res.RSS)
	require.Positive(t, res.FileSize)
	require.Positive(t, res.Ready)
	require.Contains(t, res.Line(), "completed=300")
}

package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestCompileSmoke generates the petstore golden spec and compiles its
// package twice against this checkout.
func TestCompileSmoke(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cfg, err := parseCompileFlags([]string{"-spec", "../golden/petstore/input/spec.yaml", "-runs", "2", "-root", ".."}, io.Discard)
	require.NoError(t, err)
	res, err := compile(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	require.Equal(t, 3, res.Operations)
	require.Len(t, res.Walls, 2)
	for _, rss := range res.RSS {
		require.Greater(t, rss, int64(10<<20), "the compiler's peak RSS")
	}
	line := res.Line()
	require.True(t, strings.HasPrefix(line, "RESULT workload=compile spec=spec.yaml operations=3 "), line)
	require.Contains(t, line, " runs=2 ")

	_, err = parseCompileFlags(nil, io.Discard)
	require.ErrorContains(t, err, "-spec is required")
}

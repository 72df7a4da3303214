package pulsar_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/storage/storagetest/enginetest"
)

// TestWorkerRegistry runs the worker registry checks over Pulsar and the
// shared PostgreSQL store.
func TestWorkerRegistry(t *testing.T) {
	t.Parallel()
	clusterEnv(t)
	ctx := context.Background()
	tr, st, err := openRuntime(ctx, fmt.Sprintf("r%x.", rand.Uint32()), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { _ = tr.Close(); _ = st.Close() })
	enginetest.WorkerRegistry(t, st, tr)
}

// TestSchedules runs the schedule checks over Pulsar and the shared
// PostgreSQL store: two workers race on the same firings through the
// broker.
func TestSchedules(t *testing.T) {
	t.Parallel()
	clusterEnv(t)
	ctx := context.Background()
	tr, st, err := openRuntime(ctx, fmt.Sprintf("s%x.", rand.Uint32()), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { _ = tr.Close(); _ = st.Close() })
	enginetest.Schedules(t, st, tr)
}

package service_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/service"
)

func TestErrorContract(t *testing.T) {
	t.Parallel()
	base := errors.New("boom")
	require.True(t, service.IsRetryable(base), "plain errors are retried")
	p := fmt.Errorf("call: %w", service.Permanent(base))
	require.False(t, service.IsRetryable(p), "classification survives wrapping")
	require.ErrorIs(t, p, base)
	r := service.Retryable(base, 3*time.Second)
	require.True(t, service.IsRetryable(r))
	require.Equal(t, 3*time.Second, service.RetryAfter(fmt.Errorf("x: %w", r)))
	require.Zero(t, service.RetryAfter(base))
	require.Nil(t, service.Permanent(nil))
}

func TestTaskInContext(t *testing.T) {
	t.Parallel()
	require.Empty(t, service.IdempotencyKey(context.Background()))
	ctx := service.WithTask(context.Background(), service.Task{ID: "run-3", Attempt: 2})
	require.Equal(t, "run-3", service.IdempotencyKey(ctx))
	task, ok := service.TaskFrom(ctx)
	require.True(t, ok)
	require.Equal(t, 2, task.Attempt)
}

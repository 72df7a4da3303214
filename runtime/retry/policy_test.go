package retry_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/retry"
	"github.com/infgen/infgen/runtime/service"
)

func TestDelayGrowsExponentiallyWithinJitterAndCap(t *testing.T) {
	t.Parallel()
	p := retry.Policy{MaxAttempts: 10, Initial: 100 * time.Millisecond, Multiplier: 2, Max: time.Second, Jitter: 0.2}
	want := []time.Duration{100, 200, 400, 800, 1000, 1000}
	for i, w := range want {
		w *= time.Millisecond
		for range 50 {
			d := p.Delay(i + 1)
			require.GreaterOrEqual(t, d, time.Duration(float64(w)*0.8), "attempt %d", i+1)
			require.LessOrEqual(t, d, time.Duration(float64(w)*1.2), "attempt %d", i+1)
		}
	}
}

func TestDecide(t *testing.T) {
	t.Parallel()
	p := retry.Policy{MaxAttempts: 3, Initial: 10 * time.Millisecond, Jitter: 0}
	retry1, after := p.Decide(1, errors.New("network down"))
	require.True(t, retry1)
	require.Equal(t, 10*time.Millisecond, after)

	last, _ := p.Decide(3, errors.New("network down"))
	require.False(t, last, "no retry after the last attempt")

	perm, _ := p.Decide(1, service.Permanentf("400 bad request"))
	require.False(t, perm, "permanent errors are not retried")

	ra, after := p.Decide(1, service.Retryable(errors.New("429"), 5*time.Second))
	require.True(t, ra)
	require.Equal(t, 5*time.Second, after, "a longer Retry-After wins over the back-off")

	none, _ := retry.None().Decide(1, errors.New("x"))
	require.False(t, none)
}

func TestZeroPolicyUsesDefaults(t *testing.T) {
	t.Parallel()
	var p retry.Policy
	ok, after := p.Decide(1, errors.New("x"))
	require.True(t, ok)
	require.InDelta(t, float64(time.Second), float64(after), float64(200*time.Millisecond))
	ok, _ = p.Decide(retry.Default().MaxAttempts, errors.New("x"))
	require.False(t, ok)
}

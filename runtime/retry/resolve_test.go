package retry_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/retry"
)

// TestResolvePrecedence sets every layer from one down to the runtime's
// default and checks that the highest one set wins, for the policy and the
// timeout: each case has the layer under test and the one below it set, so
// every adjacent pair is checked, and the first case is the full chain.
func TestResolvePrecedence(t *testing.T) {
	t.Parallel()
	policy := func(n int) *retry.Policy {
		return &retry.Policy{MaxAttempts: n, Initial: time.Duration(n) * time.Millisecond}
	}
	all := retry.Layers{
		Call:          retry.Settings{Policy: policy(2), Timeout: 2 * time.Second},
		MethodConfig:  retry.Settings{Policy: policy(3), Timeout: 3 * time.Second},
		Spec:          retry.Settings{Policy: policy(4), Timeout: 4 * time.Second},
		ServiceConfig: retry.Settings{Policy: policy(6), Timeout: 6 * time.Second},
	}
	cases := []struct {
		from     retry.Layer
		layers   retry.Layers
		attempts int
		timeout  time.Duration
	}{
		{retry.FromCall, all, 2, 2 * time.Second},
		{retry.FromMethodConfig, retry.Layers{MethodConfig: all.MethodConfig, Spec: all.Spec, ServiceConfig: all.ServiceConfig}, 3, 3 * time.Second},
		{retry.FromSpec, retry.Layers{Spec: all.Spec, ServiceConfig: all.ServiceConfig}, 4, 4 * time.Second},
		{retry.FromServiceConfig, retry.Layers{ServiceConfig: all.ServiceConfig}, 6, 6 * time.Second},
		{retry.FromRuntime, retry.Layers{}, retry.Default().MaxAttempts, retry.DefaultTimeout},
	}
	for _, tc := range cases {
		t.Run(tc.from.String(), func(t *testing.T) {
			r := tc.layers.Resolve()
			require.Equal(t, tc.from, r.PolicyFrom)
			require.Equal(t, tc.from, r.TimeoutFrom)
			require.Equal(t, tc.attempts, r.Policy.MaxAttempts)
			require.Equal(t, tc.timeout, r.Timeout)
		})
	}
}

// TestResolveSettingsAreIndependent: a layer that sets only a timeout does
// not hide the policy of a lower layer, and a policy is taken whole from
// one layer, its zero fields from Default (not from the layers below).
func TestResolveSettingsAreIndependent(t *testing.T) {
	t.Parallel()
	r := retry.Layers{
		Call:          retry.Settings{Timeout: time.Second},
		Spec:          retry.Settings{Policy: &retry.Policy{MaxAttempts: 7}},
		ServiceConfig: retry.Settings{Policy: &retry.Policy{MaxAttempts: 9, Initial: time.Hour}, Timeout: time.Hour},
	}.Resolve()
	require.Equal(t, retry.FromCall, r.TimeoutFrom)
	require.Equal(t, time.Second, r.Timeout)
	require.Equal(t, retry.FromSpec, r.PolicyFrom)
	require.Equal(t, 7, r.Policy.MaxAttempts)
	require.Equal(t, retry.Default().Initial, r.Policy.Initial, "not the service's Initial")
	require.Equal(t, "per-method config", retry.FromMethodConfig.String())
}

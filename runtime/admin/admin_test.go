package admin_test

import (
	"context"
	"log/slog"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/admin"
	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/local"
)

func newClient(t *testing.T) *client.Client {
	t.Helper()
	rt, err := local.Open("")
	require.NoError(t, err)
	c, err := rt.NewClient(t.Context())
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close(); _ = rt.Close() })
	return c
}

func TestOtherAddressesNeedAToken(t *testing.T) {
	t.Parallel()
	_, err := admin.Serve(newClient(t), admin.Options{Addr: "0.0.0.0:0"})
	require.EqualError(t, err, "admin API on 0.0.0.0:0: an address other than loopback needs a bearer token (set $INFGEN_ADMIN_TOKEN)")
	srv, err := admin.Serve(newClient(t), admin.Options{Addr: "0.0.0.0:0", Token: "s3cret", Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	require.NoError(t, srv.Close())
}

func TestTokenIsChecked(t *testing.T) {
	t.Parallel()
	srv, err := admin.Serve(newClient(t), admin.Options{Token: "s3cret"})
	require.NoError(t, err)
	defer srv.Close()
	ctx := context.Background()
	require.ErrorContains(t, admin.Dial(srv.Addr(), "").Ping(ctx), "missing or wrong bearer token")
	require.ErrorContains(t, admin.Dial(srv.Addr(), "s3cre").Ping(ctx), "missing or wrong bearer token")
	require.NoError(t, admin.Dial(srv.Addr(), "s3cret").Ping(ctx))
}

// TestErrorsKeepTheirMeaning: an error through the API still matches the
// client's sentinel errors.
func TestErrorsKeepTheirMeaning(t *testing.T) {
	t.Parallel()
	srv, err := admin.Serve(newClient(t), admin.Options{})
	require.NoError(t, err)
	defer srv.Close()
	ctx := context.Background()
	c := admin.Dial(srv.Addr(), "")
	_, err = c.Describe(ctx, "nope")
	require.ErrorIs(t, err, client.ErrNotFound)
	require.EqualError(t, err, "workflow not found: nope")
	_, err = c.Start(ctx, client.StartParams{Workflow: "nothing.registered"})
	require.ErrorIs(t, err, client.ErrUnknownWorkflow)
	require.ErrorIs(t, c.Redrive(ctx, "nope"), client.ErrNoDeadLetter)
	id, err := c.Start(ctx, client.StartParams{Workflow: "later", ID: "x", AllowUnregistered: true, Input: map[string]int{"n": 1}})
	require.NoError(t, err)
	require.Equal(t, "x", id)
	d, err := c.Describe(ctx, "x")
	require.NoError(t, err)
	require.Equal(t, client.Running, d.Status)
	state, err := c.State(ctx, "x")
	require.NoError(t, err)
	require.Contains(t, string(state), `"input":{"n":1}`)
	_, err = c.Restart(ctx, "x")
	require.ErrorIs(t, err, client.ErrNotFinished)
	require.ErrorIs(t, c.DropDeadLetter(ctx, "nope"), client.ErrNoDeadLetter)
}

// TestQuantileFromBuckets: the estimate interpolates within the bucket the
// rank falls in, like histogram_quantile.
func TestQuantileFromBuckets(t *testing.T) {
	t.Parallel()
	h := map[float64]uint64{0.1: 50, 0.5: 90, 1: 100, math.Inf(1): 100}
	require.InDelta(t, 0.1, *admin.Quantile(h, 0.5), 1e-9)
	require.InDelta(t, 0.95, *admin.Quantile(h, 0.99), 1e-9)
	require.InDelta(t, 0.05, *admin.Quantile(h, 0.25), 1e-9)
	require.Nil(t, admin.Quantile(map[float64]uint64{math.Inf(1): 0}, 0.5))
	require.InDelta(t, 1, *admin.Quantile(map[float64]uint64{1: 1, math.Inf(1): 3}, 0.99), 1e-9, "in the +Inf bucket: the last finite bound")
}

package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/infgen/infgen/runtime/admin"
	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// wireCodec records protobuf bytes as they are, under the proto codec's
// name, as a generated gRPC stub records its messages.
type wireCodec struct{}

func (wireCodec) Name() string                  { return "proto" }
func (wireCodec) Marshal(v any) ([]byte, error) { return v.([]byte), nil }
func (wireCodec) Unmarshal(data []byte, v any) error {
	*v.(*[]byte) = data
	return nil
}

// routePoint encodes routeguide.Point{latitude, longitude}.
func routePoint(lat, lng uint64) []byte {
	b := protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), lat)
	return protowire.AppendVarint(protowire.AppendTag(b, 2, protowire.VarintType), lng)
}

// trip asks the route guide for the feature at a point, then waits.
func trip(ctx workflow.Context, _ struct{}) (string, error) {
	if _, err := workflow.Dispatch[[]byte](ctx, workflow.Call{
		Service: "routeguide.RouteGuide", Method: "GetFeature", Codec: wireCodec{}, Input: routePoint(1, 2),
	}).Await(ctx); err != nil {
		return "", err
	}
	return workflow.SignalChannel[string]("go").Receive(ctx)
}

// TestCheckProtoInFlightThroughARunningWorker: a worker holds the state
// file and serves its admin API; the check reads the recorded tasks
// through it and decodes them with the new descriptors, in which the
// recorded longitude (field 2) has moved to field 3.
func TestCheckProtoInFlightThroughARunningWorker(t *testing.T) {
	t.Setenv("INFGEN_PULSAR_URL", "")
	t.Setenv(admin.EnvAddr, "")
	db := filepath.Join(t.TempDir(), "state.db")
	rt, err := local.Open(db)
	require.NoError(t, err)
	defer rt.Close()
	w, err := rt.NewWorker(worker.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	require.NoError(t, w.RegisterService(worker.Service{Name: "routeguide.RouteGuide", Methods: []worker.Method{
		{Name: "GetFeature", Handler: func(context.Context, []byte) ([]byte, error) {
			return protowire.AppendString(protowire.AppendTag(nil, 1, protowire.BytesType), "hill"), nil
		}},
	}}))
	require.NoError(t, worker.RegisterWorkflow(w, "trip", trip))
	require.NoError(t, w.Start(t.Context()))
	defer w.Stop()
	_, err = rt.ServeAdmin(t.Context(), admin.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	c, err := rt.NewClient(t.Context())
	require.NoError(t, err)
	defer c.Close()
	_, err = c.Start(t.Context(), client.StartParams{Workflow: "trip", ID: "trip-1"})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		tasks, err := c.Tasks(t.Context(), "trip-1")
		return err == nil && len(tasks) == 1 && tasks[0].Status == client.TaskCompleted
	}, 10*time.Second, 5*time.Millisecond)

	out, stderr, code := runCheck(t, "check", "proto", sharedRouteGuide, sharedRouteGuide, "--db", db)
	require.Equal(t, 0, code, "stdout: %s\nstderr: %s", out, stderr)
	require.Contains(t, out, "in flight: 1 workflow(s), 1 task(s) checked; 0 workflow(s) would fail\n")

	renumbered := modified(t, sharedRouteGuide, "route_guide.proto", "int32 longitude = 2;", "int32 longitude = 3;")
	out, stderr, code = runCheck(t, "check", "proto", sharedRouteGuide, renumbered, "--db", db)
	require.Equal(t, 1, code, "stdout: %s\nstderr: %s", out, stderr)
	require.Regexp(t, `(?m)^error    workflow trip-1 \(trip\) step \d+ routeguide.RouteGuide.GetFeature  the recorded request of /routeguide.RouteGuide/GetFeature: routeguide.Point: holds field number\(s\) 2 .* \[in-flight\]$`, out)
	require.Contains(t, out, "in flight: 1 workflow(s), 1 task(s) checked; 1 workflow(s) would fail\n")
}

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const (
	sharedPetstore   = "/work/shared/specs/openapi/petstore-expanded.yml"
	sharedRouteGuide = "/work/shared/specs/proto/grpc-examples/examples/route_guide/routeguide/route_guide.proto"
)

// runCheck runs main in a subprocess and returns stdout, stderr and the
// exit code.
func runCheck(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "INFGEN_TEST_MAIN=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return stdout.String(), stderr.String(), exit.ExitCode()
	}
	require.NoError(t, err)
	return stdout.String(), stderr.String(), 0
}

// modified writes a copy of a shared spec with old replaced by new.
func modified(t *testing.T, src, name, old, new string) string {
	t.Helper()
	data, err := os.ReadFile(src)
	require.NoError(t, err)
	require.Contains(t, string(data), old)
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(strings.Replace(string(data), old, new, 1)), 0o644))
	return p
}

func TestCheckOpenAPIExitCodes(t *testing.T) {
	// Compatible: a new optional property of a request body. Exit 0.
	compatible := modified(t, sharedPetstore, "new.yml", "        tag:\n          type: string    \n",
		"        tag:\n          type: string\n        color:\n          type: string\n")
	out, stderr, code := runCheck(t, "check", "openapi", sharedPetstore, compatible)
	require.Equal(t, 0, code, "stdout: %s\nstderr: %s", out, stderr)
	require.Contains(t, out, "no breaking change")
	require.Empty(t, stderr)

	// Breaking: the property becomes required. Exit 1, each finding on a line.
	breaking := modified(t, sharedPetstore, "new.yml", "      required:\n        - name  \n", "      required:\n        - name\n        - tag\n")
	out, stderr, code = runCheck(t, "check", "openapi", sharedPetstore, breaking)
	require.Equal(t, 1, code, "stdout: %s\nstderr: %s", out, stderr)
	require.Regexp(t, `(?m)^error    POST /pets  \S+new.yml:\d+:\d+  .*tag.* \[request-property-became-required\]$`, out)
	require.Contains(t, stderr, "infgen: ")
	require.Contains(t, stderr, "breaking change(s) from "+sharedPetstore)

	// JSON.
	out, _, code = runCheck(t, "check", "openapi", "--format", "json", sharedPetstore, breaking)
	require.Equal(t, 1, code)
	var doc struct {
		Breaking bool
		Findings []struct{ Severity, Rule, Operation string }
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc), out)
	require.True(t, doc.Breaking)
	require.Equal(t, "error", doc.Findings[0].Severity)

	// Usage and input errors: exit 2.
	for _, args := range [][]string{
		{"check", "openapi", sharedPetstore},
		{"check", "openapi", sharedPetstore, filepath.Join(t.TempDir(), "missing.yaml")},
		{"check", "openapi", "--format", "xml", sharedPetstore, sharedPetstore},
		{"check", "openapi", "--nope", sharedPetstore, sharedPetstore},
		{"check", "nope"},
	} {
		_, stderr, code := runCheck(t, args...)
		require.Equal(t, 2, code, "%v: %s", args, stderr)
		require.True(t, strings.HasPrefix(stderr, "infgen: "), stderr)
	}
}

func TestCheckProtoExitCodes(t *testing.T) {
	out, _, code := runCheck(t, "check", "proto", sharedRouteGuide, sharedRouteGuide)
	require.Equal(t, 0, code)
	require.Equal(t, "no change\n", out)

	renumbered := modified(t, sharedRouteGuide, "route_guide.proto", "int32 longitude = 2;", "int32 longitude = 3;")
	out, stderr, code := runCheck(t, "check", "proto", sharedRouteGuide, renumbered)
	require.Equal(t, 1, code, "stdout: %s\nstderr: %s", out, stderr)
	require.Regexp(t, `(?m)^error    routeguide.Point  \S+route_guide.proto:\d+:\d+  field "longitude" was renumbered from 2 to 3`, out)

	bad := modified(t, sharedRouteGuide, "route_guide.proto", "int32 latitude = 1;", "int32 latitude = ;")
	_, stderr, code = runCheck(t, "check", "proto", "-I", filepath.Dir(bad), sharedRouteGuide, bad)
	require.Equal(t, 2, code, stderr)
	require.Contains(t, stderr, "route_guide.proto:")
}

func TestCheckNamesTheEventsAChangeTouches(t *testing.T) {
	const v1, v2 = "../../contract/testdata/events/orders-v1.yaml", "../../contract/testdata/events/orders-v2.yaml"
	out, stderr, code := runCheck(t, "check", "openapi", v1, v2)
	require.Equal(t, 1, code, "stdout: %s\nstderr: %s", out, stderr)
	require.Regexp(t, "(?m)^warning  GET /orders/\\{id\\}  \\S+orders-v1.yaml:\\d+:\\d+  removed the optional property `note` .*; event Orders.GetOrder.completed carries this response as its data, and its subscribers decode it with the old schema \\[response-optional-property-removed\\]\n  events: Orders.GetOrder.completed$", out)
	require.Regexp(t, `(?m)^  events: Orders.CancelOrder.completed, Orders.CancelOrder.failed$`, out)

	out, _, code = runCheck(t, "check", "openapi", "--format", "json", v1, v2)
	require.Equal(t, 1, code)
	var doc struct {
		Findings []struct {
			Rule, Operation string
			Events          []string
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc), out)
	events := map[string][]string{}
	for _, f := range doc.Findings {
		events[f.Rule+" "+f.Operation] = f.Events
	}
	require.Equal(t, []string{"Orders.ShipOrder.completed", "Orders.ShipOrder.failed"}, events["infgen-method-renamed POST /orders/{id}/shipment"], out)
	require.Contains(t, events, "new-required-request-property POST /orders")
	require.Empty(t, events["new-required-request-property POST /orders"])

	out, _, code = runCheck(t, "check", "proto", "../../contract/testdata/events/proto/v1/orders.proto", "../../contract/testdata/events/proto/v2/orders.proto")
	require.Equal(t, 1, code)
	require.Regexp(t, `(?m)^error    shop.v1.Orders/CancelOrder  .*\n  events: shop.v1.Orders.CancelOrder.completed, shop.v1.Orders.CancelOrder.failed$`, out)
}

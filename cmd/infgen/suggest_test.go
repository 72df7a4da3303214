package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/parser/openapi"
)

const paymentsWebhooks = "/work/shared/specs/events/payments-webhooks.yaml"

// TestSuggestCompensationsPrintsASnippetThatParses lists createCharge ↔
// refundCharge in the shared payments spec, writes nothing, and the
// printed snippet, added to a copy of the spec, declares the compensation.
func TestSuggestCompensationsPrintsASnippetThatParses(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile(paymentsWebhooks)
	if os.IsNotExist(err) {
		src, err = os.ReadFile(filepath.Join("..", "..", "golden", "saga", "input", "spec.yaml"))
		require.NoError(t, err)
		src = []byte(strings.Replace(string(src), "      x-infgen-compensate:\n        operationId: refundCharge\n        args: {chargeId: $response.body#/id}\n", "", 1))
	}
	require.NoError(t, err)
	dir := t.TempDir()
	spec := writeFile(t, dir, "payments.yaml", string(src))
	cmd := newRootCmd()
	var stdout bytes.Buffer
	cmd.SetArgs([]string{"generate", "openapi", spec, "--suggest-compensations"})
	cmd.SetOut(&stdout)
	cmd.SetErr(&bytes.Buffer{})
	require.NoError(t, cmd.ExecuteContext(context.Background()))
	out := stdout.String()
	require.Contains(t, out, "payments.yaml:11:5: createCharge (POST /charges) is likely undone by refundCharge (DELETE /charges/{chargeId})")
	require.Equal(t, 1, strings.Count(out, "x-infgen-compensate:"), out)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "nothing generated")

	snippet := out[strings.Index(out, "      x-infgen-compensate:"):]
	snippet = strings.TrimRight(snippet, "\n") + "\n"
	withIt := strings.Replace(string(src), "      operationId: createCharge\n", "      operationId: createCharge\n"+snippet, 1)
	parsed, err := openapi.Parse(context.Background(), writeFile(t, dir, "declared.yaml", withIt))
	require.NoError(t, err)
	c := parsed.Services[0].MethodByName("CreateCharge").Compensate
	require.NotNil(t, c)
	require.Equal(t, "RefundCharge", c.Method)

	// Once declared, it is no longer suggested.
	cmd = newRootCmd()
	stdout.Reset()
	cmd.SetArgs([]string{"generate", "openapi", filepath.Join(dir, "declared.yaml"), "--suggest-compensations"})
	cmd.SetOut(&stdout)
	require.NoError(t, cmd.ExecuteContext(context.Background()))
	require.Equal(t, "no likely compensation pairs found\n", stdout.String())
}

// TestOptionsCodeIsFresh: proto/infgen/options.pb.go is what infgen
// generate proto makes of proto/infgen/options.proto today.
func TestOptionsCodeIsFresh(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "infgen")
	root := filepath.Join("..", "..", "proto")
	require.NoError(t, runInfgen(t, "generate", "proto", "-I", root, "--out", out, "--package", "infgen", filepath.Join(root, "infgen", "options.proto")))
	got, err := os.ReadFile(filepath.Join(out, "options.pb.go"))
	require.NoError(t, err)
	want, err := os.ReadFile(filepath.Join(root, "infgen", "options.pb.go"))
	require.NoError(t, err)
	require.Equal(t, string(want), string(got), "regenerate proto/infgen/options.pb.go (see proto/infgen/doc.go)")
}

// TestSuggestCompensationsForProto pairs CreateThing with DeleteThing and
// prints the option to add; --out is not needed, nothing is written.
func TestSuggestCompensationsForProto(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "things.proto", `syntax = "proto3";
package things.v1;
option go_package = "example.com/things;things";
service Things {
  rpc CreateThing(Thing) returns (Thing);
  rpc DeleteThing(Thing) returns (Thing);
  rpc GetThing(Thing) returns (Thing);
}
message Thing { string id = 1; }
`)
	cmd := newRootCmd()
	var stdout bytes.Buffer
	cmd.SetArgs([]string{"generate", "proto", "-I", dir, "--suggest-compensations", "things.proto"})
	cmd.SetOut(&stdout)
	cmd.SetErr(&bytes.Buffer{})
	require.NoError(t, cmd.ExecuteContext(context.Background()))
	require.Equal(t, `things.proto:5:3: Things.CreateThing is likely undone by DeleteThing; to declare it, import "infgen/options.proto" and add to the rpc:
    option (infgen.compensate) = {method: "DeleteThing" args: {key: "<field of DeleteThing's request>" value: "$response.body#/<field>"}};

`, stdout.String())
	require.ErrorContains(t, runInfgen(t, "generate", "proto", "-I", dir, "things.proto"), `required flag(s) "out" not set`)
}

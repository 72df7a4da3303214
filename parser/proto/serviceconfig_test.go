package proto_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/ir"
	protoparser "github.com/infgen/infgen/parser/proto"
)

// methodsByName indexes the methods of the spec's only service.
func methodsByName(spec *ir.Spec) map[string]ir.Method {
	out := map[string]ir.Method{}
	for _, m := range spec.Services[0].Methods {
		out[m.Name] = m
	}
	return out
}

func TestServiceConfigGivesTimeoutsAndRetryPolicies(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{"greeter.proto": greeter, "types.proto": types, "ext/money.proto": money,
		"config.json": `{
  "methodConfig": [
    {"name": [{}], "timeout": "60s"},
    {"name": [{"service": "demo.v1.Greeter"}], "timeout": "10s"},
    {"name": [{"service": "demo.v1.Greeter", "method": "SayHello"}], "timeout": "1.5s",
     "retryPolicy": {"maxAttempts": 4, "initialBackoff": "0.1s", "maxBackoff": "2s", "backoffMultiplier": 3,
                     "retryableStatusCodes": ["UNAVAILABLE"]}},
    {"name": [{"service": "demo.v1.Other", "method": "Nope"}], "timeout": "1s"}
  ]
}`})
	spec, err := load(t, dir, filepath.Join(dir, "greeter.proto"))
	require.NoError(t, err)
	cfg := filepath.Join(dir, "config.json")
	require.NoError(t, protoparser.ApplyServiceConfig(spec, cfg))

	ms := methodsByName(spec)
	require.Equal(t, 1500*time.Millisecond, ms["SayHello"].Timeout, "the method's own entry")
	require.Equal(t, &ir.RetryPolicy{MaxAttempts: 4, Initial: 100 * time.Millisecond, Max: 2 * time.Second, Multiplier: 3}, ms["SayHello"].Retry)
	require.Equal(t, 10*time.Second, ms["Ping"].Timeout, "the service's entry beats the default")
	require.Nil(t, ms["Ping"].Retry)

	var msgs []string
	for _, w := range spec.Warnings {
		if w.Pos.File == cfg {
			msgs = append(msgs, w.Pos.String()+": "+w.Message)
		}
	}
	require.Len(t, msgs, 2, "%v", msgs)
	require.Contains(t, msgs[0], cfg+":7:46:")
	require.Contains(t, msgs[0], "retryableStatusCodes is not used")
	require.Equal(t, cfg+":8:15: methodConfig name demo.v1.Other/Nope matches no method of the generated services", msgs[1])
}

func TestServiceConfigErrorsArePositioned(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{"greeter.proto": greeter, "types.proto": types, "ext/money.proto": money})
	spec, err := load(t, dir, filepath.Join(dir, "greeter.proto"))
	require.NoError(t, err)
	for _, tc := range []struct{ doc, want string }{
		{`{"methodConfig": [{"name": [{}], "timeout": "10"}]}`, `:1:45: duration "10": want positive seconds with an s suffix`},
		{`{"methodConfig": [{"name": [{}],
  "retryPolicy": {"maxAttempts": "many"}}]}`, `:2:34: maxAttempts "many"`},
		{`{"methodConfig": [{"timeout": "1s"}]}`, `:1:19: a methodConfig entry needs a "name" list`},
		{`{"methodConfig": [{"name": [{"method": "X"}]}]}`, `:1:29: the name has a method ("X") but no service`},
		{`{"loadBalancingConfig": []}`, `:1:1: no "methodConfig" list`},
		{`{"methodConfig": [`, `gRPC service config is not JSON`},
		{`{"methodConfig": [{"name": [{}], "timeout": "NaNs"}]}`, `duration "NaNs"`},
		{`{"methodConfig": [{"name": [{}], "retryPolicy": {"backoffMultiplier": "NaN"}}]}`, `backoffMultiplier "NaN"`},
	} {
		path := filepath.Join(t.TempDir(), "config.json")
		require.NoError(t, os.WriteFile(path, []byte(tc.doc), 0o644))
		err := protoparser.ApplyServiceConfig(spec, path)
		require.ErrorContains(t, err, tc.want, tc.doc)
		require.Contains(t, err.Error(), path, "names the file")
	}
	require.ErrorContains(t, protoparser.ApplyServiceConfig(spec, filepath.Join(dir, "missing.json")), "read gRPC service config")
}

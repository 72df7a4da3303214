package openapi_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	credentials "github.com/infgen/infgen/golden/credentials/expected"
	"github.com/infgen/infgen/runtime/service"
)

// These tests run the committed golden package golden/credentials/expected:
// parameters that carry secrets come from the client's options, never from
// the task input (which workflow history stores in clear).

func TestHTTPCredentialParametersComeFromOptions(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, 200, map[string]string{"Content-Type": "application/json"}, `{"value":"v"}`)
	c := credentials.NewHTTPClient(srv.URL,
		credentials.WithXAPIKey("api-key-1"),
		credentials.WithAccessToken("token-1"),
		credentials.WithSession("session-1"),
		credentials.WithTenantKey("tenant-1"))
	in := &credentials.GetSecretInput{Name: "db", PageToken: ptr("page-2"), KeyID: ptr("k7")}
	out, err := c.GetSecret(taskContext(), in)
	require.NoError(t, err)
	require.Equal(t, "v", *out.Body.Value)
	require.Equal(t, "/secrets/db", rec.path)
	require.Equal(t, "api-key-1", rec.header.Get("X-Api-Key"))
	require.Equal(t, []string{"tenant-1"}, rec.header.Values("X-Tenant-Key"), "the scheme's key, once")
	require.Equal(t, "access_token=token-1&keyId=k7&pageToken=page-2", rec.query)
	require.Len(t, rec.cookies, 1)
	require.Equal(t, "session", rec.cookies[0].Name)
	require.Equal(t, "session-1", rec.cookies[0].Value)

	// What a workflow records of the call: no secret.
	history, err := json.Marshal(in)
	require.NoError(t, err)
	for _, secret := range []string{"api-key-1", "token-1", "session-1", "tenant-1", "X-Api-Key", "access_token", "session", "X-Tenant-Key"} {
		require.NotContains(t, string(history), secret)
	}
	for _, typ := range []reflect.Type{reflect.TypeFor[credentials.GetSecretInput](), reflect.TypeFor[credentials.PutSecretInput]()} {
		for i := range typ.NumField() {
			tag := strings.Split(typ.Field(i).Tag.Get("json"), ",")[0]
			require.NotContains(t, []string{"X-Api-Key", "access_token", "session", "X-Tenant-Key"}, tag, "%s.%s", typ.Name(), typ.Field(i).Name)
		}
	}
}

// TestHTTPRequiredCredentialMissing: without its required credential the
// request is not sent, and the error names the option.
func TestHTTPRequiredCredentialMissing(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, 204, nil, "")
	c := credentials.NewHTTPClient(srv.URL)
	_, err := c.PutSecret(taskContext(), &credentials.PutSecretInput{Name: "db", Body: &credentials.Secret{}})
	require.EqualError(t, err, "PutSecret: credential X-Api-Key (header) is not configured: pass WithXAPIKey to NewHTTPClient")
	require.False(t, service.IsRetryable(err))
	require.Empty(t, rec.method, "nothing was sent")
}

// TestHTTPCredentialKeptAsInput: x-infgen-credential: false keeps a
// parameter named like a credential an input field.
func TestHTTPCredentialKeptAsInput(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, 204, nil, "")
	c := credentials.NewHTTPClient(srv.URL, credentials.WithXAPIKey("k"))
	_, err := c.PutSecret(taskContext(), &credentials.PutSecretInput{Name: "db", XRotationToken: ptr("r-1"), Body: &credentials.Secret{}})
	require.NoError(t, err)
	require.Equal(t, "r-1", rec.header.Get("X-Rotation-Token"))
	require.Equal(t, "k", rec.header.Get("X-Api-Key"))
}

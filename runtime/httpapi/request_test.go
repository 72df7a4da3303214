package httpapi_test

import (
	"context"
	"io"
	"math"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/httpapi"
	"github.com/infgen/infgen/runtime/service"
)

func TestNewRequest(t *testing.T) {
	t.Parallel()
	body, err := httpapi.JSONBody("CreatePet", map[string]int{"a": 1})
	require.NoError(t, err)
	req, err := httpapi.NewRequest(context.Background(), "CreatePet", http.MethodPost, "http://x/pets", body, "application/json", "application/json")
	require.NoError(t, err)
	require.Equal(t, "application/json", req.Header.Get("Content-Type"))
	require.Equal(t, "application/json", req.Header.Get("Accept"))
	data, _ := io.ReadAll(req.Body)
	require.JSONEq(t, `{"a":1}`, string(data))

	req, err = httpapi.NewRequest(context.Background(), "ListPets", http.MethodGet, "http://x/pets", nil, "", "")
	require.NoError(t, err)
	require.Empty(t, req.Header)

	_, err = httpapi.NewRequest(context.Background(), "Bad", http.MethodGet, "http://x/\x7f", nil, "", "")
	require.ErrorContains(t, err, "Bad: build request")
	require.False(t, service.IsRetryable(err))

	_, err = httpapi.JSONBody("Bad", math.Inf(1))
	require.ErrorContains(t, err, "Bad: encode request body")
	require.False(t, service.IsRetryable(err))
}

package httpapi

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/service"
)

// statusError is an error response as generated packages declare them.
type statusError struct{ code int }

func (e *statusError) Error() string { return ErrorMessage("op", e.code, "") }

func TestClassify(t *testing.T) {
	t.Parallel()
	cases := []struct {
		code      int
		retryable bool
	}{
		{400, false}, {401, false}, {403, false}, {404, false}, {409, false}, {422, false},
		{408, true}, {425, true}, {429, true},
		{500, true}, {502, true}, {503, true}, {504, true},
	}
	for _, c := range cases {
		resp := &http.Response{StatusCode: c.code, Header: http.Header{}}
		err := Classify(resp, &statusError{code: c.code})
		require.Equal(t, c.retryable, service.IsRetryable(err), "status %d", c.code)
		require.Equal(t, c.retryable, Retryable(c.code), "status %d", c.code)
		var se *statusError
		require.ErrorAs(t, err, &se, "the classified error wraps the response error")
		require.Equal(t, c.code, se.code)
	}
}

func TestClassifyHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	resp := &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {"30"}}}
	err := Classify(resp, errors.New("slow down"))
	require.True(t, service.IsRetryable(err))
	require.Equal(t, 30*time.Second, service.RetryAfter(err))

	resp = &http.Response{StatusCode: 404, Header: http.Header{"Retry-After": {"30"}}}
	require.Zero(t, service.RetryAfter(Classify(resp, errors.New("gone"))), "permanent errors carry no delay")
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		header string
		want   time.Duration
	}{
		{"120", 120 * time.Second},
		{" 5 ", 5 * time.Second},
		{"0", 0},
		{"-3", 0},
		{"", 0},
		{"soon", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{"Wed, 25 Nov 2026 09:01:00 GMT", time.Minute},
		{"Wednesday, 25-Nov-26 09:00:30 GMT", 30 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
	}
	for _, c := range cases {
		require.Equal(t, c.want, RetryAfter(c.header, now), "Retry-After %q", c.header)
	}
}

func TestErrorMessageAndSnippet(t *testing.T) {
	t.Parallel()
	require.Equal(t, "GetPet: HTTP 404 Not Found: no such pet", ErrorMessage("GetPet", 404, "no such pet"))
	require.Equal(t, "GetPet: HTTP 503 Service Unavailable", ErrorMessage("GetPet", 503, ""))
	require.Equal(t, "short", BodySnippet([]byte("short")))
	long := BodySnippet([]byte(strings.Repeat("x", 600)))
	require.Equal(t, strings.Repeat("x", 512)+"…", long)
}

func TestDo(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Seen", strings.Join(r.Header.Values("X-Client"), "+"))
		_, _ = w.Write([]byte("pong"))
	}))
	t.Cleanup(srv.Close)

	req, err := http.NewRequest(http.MethodGet, srv.URL+"/ping", nil)
	require.NoError(t, err)
	resp, data, err := Do(srv.Client(), req, http.Header{"X-Client": {"a", "b"}})
	require.NoError(t, err)
	require.Equal(t, "pong", string(data))
	require.Equal(t, "a+b", resp.Header.Get("X-Seen"))
}

func TestDoTransportFailureIsRetryable(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()

	req, err := http.NewRequest(http.MethodPost, url+"/pets", nil)
	require.NoError(t, err)
	_, _, err = Do(http.DefaultClient, req, nil)
	require.ErrorContains(t, err, "POST /pets")
	require.True(t, service.IsRetryable(err))
	var se *service.Error
	require.ErrorAs(t, err, &se)
	require.False(t, se.NoRetry)
}

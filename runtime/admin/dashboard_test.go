package admin_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/admin"
	"github.com/infgen/infgen/runtime/admin/dashboard"
	"github.com/infgen/infgen/runtime/client"
)

func get(t *testing.T, c *http.Client, url string) (int, string) {
	t.Helper()
	res, err := c.Get(url)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, string(body)
}

// TestDashboardTokenCookie: a browser gives the token once as ?token=; the
// server sets an HttpOnly SameSite=Strict cookie, drops the token from the
// URL, and then accepts the cookie in place of the header. A wrong token
// sets nothing.
func TestDashboardTokenCookie(t *testing.T) {
	t.Parallel()
	srv, err := admin.Serve(newClient(t), admin.Options{Token: "s3cret", Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	defer srv.Close()
	base := "http://" + srv.Addr()

	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	browser := &http.Client{Jar: jar}
	code, _ := get(t, browser, base+"/ui/")
	require.Equal(t, http.StatusUnauthorized, code)
	code, _ = get(t, browser, base+"/ui/?token=wrong")
	require.Equal(t, http.StatusUnauthorized, code)
	require.Empty(t, jar.Cookies(mustURL(t, base)))

	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noRedirect.Get(base + "/ui/?token=s3cret&x=1")
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	require.Equal(t, "/ui/?x=1", res.Header.Get("Location"))
	cookie := res.Header.Get("Set-Cookie")
	require.Contains(t, cookie, dashboard.CookieName+"=s3cret")
	require.Contains(t, cookie, "HttpOnly")
	require.Contains(t, cookie, "SameSite=Strict")

	code, body := get(t, browser, base+"/ui/?token=s3cret")
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, body, "<title>infgen dashboard</title>")
	code, body = get(t, browser, base+"/v1/health")
	require.Equal(t, http.StatusOK, code, body)
}

// TestReadOnly: a read-only admin API answers reads and refuses every
// steering route with 403; the dashboard is told to hide its buttons.
func TestReadOnly(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	_, err := c.Start(t.Context(), client.StartParams{Workflow: "later", ID: "x", AllowUnregistered: true})
	require.NoError(t, err)
	srv, err := admin.Serve(c, admin.Options{ReadOnly: true, Logger: slog.New(slog.DiscardHandler), TraceURL: "http://jaeger.test/trace/{trace_id}"})
	require.NoError(t, err)
	defer srv.Close()
	base := "http://" + srv.Addr()
	code, body := get(t, http.DefaultClient, base+"/ui/config.json")
	require.Equal(t, http.StatusOK, code)
	require.JSONEq(t, `{"readOnly":true,"traceURL":"http://jaeger.test/trace/{trace_id}"}`, body)

	remote := admin.Dial(srv.Addr(), "")
	_, err = remote.Describe(t.Context(), "x")
	require.NoError(t, err)
	_, err = remote.Cancel(t.Context(), client.Target{ID: "x"})
	require.ErrorContains(t, err, "POST /v1/cancel refused: the admin API is read-only")
	res, err := http.Post(base+"/v1/workflows/x/retry", "application/json", strings.NewReader("{}"))
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusForbidden, res.StatusCode)
	d, err := c.Describe(t.Context(), "x")
	require.NoError(t, err)
	require.Equal(t, client.Running, d.Status)
}

// TestListPages: ?limit= pages through the ids in order with a next
// cursor; ?prefix= keeps the ids that start with it; without either the
// answer is the plain list the CLI reads.
func TestListPages(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	for _, id := range []string{"b-2", "a-1", "b-1", "b-3", "c-1", "b-10"} {
		_, err := c.Start(t.Context(), client.StartParams{Workflow: "later", ID: id, AllowUnregistered: true})
		require.NoError(t, err)
	}
	srv, err := admin.Serve(c, admin.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	defer srv.Close()
	base := "http://" + srv.Addr() + "/v1/workflows"
	type page struct {
		IDs  []string `json:"ids"`
		Next string   `json:"next"`
	}
	read := func(query string) page {
		code, body := get(t, http.DefaultClient, base+query)
		require.Equal(t, http.StatusOK, code, body)
		var p page
		require.NoError(t, json.Unmarshal([]byte(body), &p))
		return p
	}
	require.Equal(t, page{IDs: []string{"a-1", "b-1"}, Next: "b-1"}, read("?limit=2"))
	require.Equal(t, page{IDs: []string{"b-10", "b-2"}, Next: "b-2"}, read("?limit=2&after=b-1"))
	require.Equal(t, page{IDs: []string{"b-3", "c-1"}}, read("?limit=2&after=b-2"))
	require.Equal(t, page{IDs: []string{}}, read("?limit=2&after=c-1"))
	require.Equal(t, page{IDs: []string{"b-1", "b-10", "b-2", "b-3"}}, read("?prefix=b-"))
	require.Equal(t, page{IDs: []string{"b-1", "b-10"}}, read("?prefix=b-1"), "the id equal to the prefix included")
	require.Equal(t, page{IDs: []string{"b-3"}}, read("?prefix=b-&after=b-2"))
	require.Equal(t, page{IDs: []string{}}, read("?prefix=b-&after=c"))
	require.Equal(t, page{IDs: []string{}}, read("?tag=none&limit=5"))
	code, body := get(t, http.DefaultClient, base+"?limit=0")
	require.Equal(t, http.StatusBadRequest, code)
	require.Contains(t, body, "limit \\\"0\\\": want a number from 1 to 1000")
	// Filters: by name (an index), by status and time (reading states).
	require.Equal(t, page{IDs: []string{"a-1", "b-1"}, Next: "b-1"}, read("?name=later&limit=2"))
	require.Equal(t, page{IDs: []string{}}, read("?name=sooner"))
	require.Equal(t, page{IDs: []string{"b-3", "c-1"}}, read("?name=later&status=running&after=b-2"))
	require.Equal(t, page{IDs: []string{}}, read("?name=later&status=completed"))
	require.Equal(t, page{IDs: []string{"c-1"}}, read("?prefix=c&started_after="+url.QueryEscape(time.Now().Add(-time.Hour).Format(time.RFC3339))))
	require.Equal(t, page{IDs: []string{}}, read("?prefix=c&started_before=2001-01-01T00:00:00Z"))
	code, body = get(t, http.DefaultClient, base+"?started_after=yesterday")
	require.Equal(t, http.StatusBadRequest, code)
	require.Contains(t, body, "want a time in RFC 3339")

	remote := admin.Dial(srv.Addr(), "")
	ids, err := remote.ListRunning(t.Context())
	require.NoError(t, err)
	require.ElementsMatch(t, []string{"a-1", "b-1", "b-10", "b-2", "b-3", "c-1"}, ids)
	p, err := remote.List(t.Context(), client.ListParams{Prefix: "b-", After: "b-1", Limit: 2})
	require.NoError(t, err)
	require.Equal(t, &client.ListPage{IDs: []string{"b-10", "b-2"}, Next: "b-2"}, p)
	p, err = remote.List(t.Context(), client.ListParams{Name: "later", Status: client.Running, StartedBefore: time.Now().Add(time.Hour), Prefix: "b-1", Limit: 5})
	require.NoError(t, err)
	require.Equal(t, &client.ListPage{IDs: []string{"b-1", "b-10"}}, p)
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	require.NoError(t, err)
	return u
}

package openapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	expected "github.com/infgen/infgen/golden/features/expected"
	"github.com/infgen/infgen/runtime/service"
)

// These tests run the committed golden package golden/features/expected
// (kept current by generator.TestGolden) against a real net/http server.

// recorded is what the test server saw of a request.
type recorded struct {
	method, path, rawPath, query string
	header                       http.Header
	cookies                      []*http.Cookie
	body                         []byte
	form                         map[string][]string
	files                        map[string]string
}

// serve starts a server that records the request and answers with status,
// headers and body.
func serve(t *testing.T, status int, hdr map[string]string, body string) (*httptest.Server, *recorded) {
	t.Helper()
	rec := &recorded{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.method, rec.path, rec.rawPath, rec.query = r.Method, r.URL.Path, r.URL.EscapedPath(), r.URL.RawQuery
		rec.header, rec.cookies = r.Header.Clone(), r.Cookies()
		if ct := r.Header.Get("Content-Type"); len(ct) > 19 && ct[:19] == "multipart/form-data" {
			require.NoError(t, r.ParseMultipartForm(1<<20))
			rec.form = r.MultipartForm.Value
			rec.files = map[string]string{}
			for name, fhs := range r.MultipartForm.File {
				f, err := fhs[0].Open()
				require.NoError(t, err)
				data, _ := io.ReadAll(f)
				rec.files[name] = string(data)
			}
		} else {
			rec.body, _ = io.ReadAll(r.Body)
		}
		for k, v := range hdr {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, rec
}

func taskContext() context.Context {
	return service.WithTask(context.Background(), service.Task{ID: "task-42", Attempt: 1})
}

func ptr[T any](v T) *T { return &v }

func TestHTTPCreateInvoiceJSONBodyAuthAndIdempotency(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, 201, map[string]string{"Content-Type": "application/json"},
		`{"id":"inv-1","customer":"acme","lines":[{"description":"x","amount":3}],"status":"open","createdAt":"2024-05-06T07:08:09Z","dueDate":"2024-06-01","pdf":"aGk="}`)
	c := expected.NewHTTPClient(srv.URL+"/", expected.WithAPIKeyHeader("secret"), expected.WithHeader("User-Agent", "infgen-test"))
	out, err := c.CreateInvoice(taskContext(), &expected.CreateInvoiceInput{
		XRequestID: ptr("req-1"),
		Body:       &expected.NewInvoice{Customer: "acme", Lines: []expected.Line{{Description: "x", Amount: 3}}, Memo: ptr("hi")},
	})
	require.NoError(t, err)
	require.Equal(t, "POST", rec.method)
	require.Equal(t, "/invoices", rec.path)
	require.Equal(t, "application/json", rec.header.Get("Content-Type"))
	require.Equal(t, "task-42", rec.header.Get("Idempotency-Key"))
	require.Equal(t, "req-1", rec.header.Get("X-Request-ID"))
	require.Equal(t, "secret", rec.header.Get("X-API-Key"))
	require.Empty(t, rec.header.Get("Authorization"))
	require.Equal(t, "infgen-test", rec.header.Get("User-Agent"))
	require.JSONEq(t, `{"customer":"acme","lines":[{"description":"x","amount":3}],"memo":"hi"}`, string(rec.body))

	require.Equal(t, 201, out.StatusCode)
	require.Equal(t, "inv-1", out.Body.ID)
	require.Equal(t, expected.InvoiceStatusOpen, out.Body.Status)
	require.Equal(t, time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC), out.Body.CreatedAt)
	require.Equal(t, "2024-06-01", out.Body.DueDate.String())
	require.Equal(t, []byte("hi"), out.Body.Pdf)
}

func TestHTTPBearerWhenOnlyBearerConfigured(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, 201, nil, `{}`)
	c := expected.NewHTTPClient(srv.URL, expected.WithBearerAuth("tok"))
	_, err := c.CreateInvoice(context.Background(), &expected.CreateInvoiceInput{Body: &expected.NewInvoice{}})
	require.NoError(t, err)
	require.Equal(t, "Bearer tok", rec.header.Get("Authorization"))
	require.Empty(t, rec.header.Get("Idempotency-Key"), "no task, no key")
}

func TestHTTPDeclaredErrorIsTypedAndPermanent(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, 422, nil, `{"title":"bad customer","status":422}`)
	c := expected.NewHTTPClient(srv.URL)
	_, err := c.CreateInvoice(context.Background(), &expected.CreateInvoiceInput{Body: &expected.NewInvoice{}})
	var typed *expected.CreateInvoiceError
	require.ErrorAs(t, err, &typed)
	require.Equal(t, 422, typed.StatusCode)
	require.Equal(t, "bad customer", *typed.Body.Title)
	require.False(t, service.IsRetryable(err))
	require.Contains(t, err.Error(), "CreateInvoice: HTTP 422")
}

// TestHTTPUndeclaredErrorBodyLeavesBodyNil answers a declared error status
// with an HTML page (a proxy's): the typed error has no Body, and its
// message keeps the start of the page.
func TestHTTPUndeclaredErrorBodyLeavesBodyNil(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, 422, nil, `<html><body>Bad gateway config</body></html>`)
	_, err := expected.NewHTTPClient(srv.URL).CreateInvoice(context.Background(), &expected.CreateInvoiceInput{Body: &expected.NewInvoice{}})
	var typed *expected.CreateInvoiceError
	require.ErrorAs(t, err, &typed)
	require.Nil(t, typed.Body, "not the declared problem document")
	require.Contains(t, typed.Message, "Bad gateway config")
}

func TestHTTPRetryClassification(t *testing.T) {
	t.Parallel()
	cases := []struct {
		status    int
		retryable bool
	}{
		{400, false}, {401, false}, {403, false}, {404, false}, {409, false},
		{408, true}, {425, true}, {429, true}, {500, true}, {502, true}, {503, true},
	}
	for _, tc := range cases {
		srv, _ := serve(t, tc.status, nil, `{}`)
		c := expected.NewHTTPClient(srv.URL, expected.WithBasicAuth("u", "p"))
		_, err := c.GetInvoice(context.Background(), &expected.GetInvoiceInput{ID: "1"})
		require.Error(t, err, "status %d", tc.status)
		require.Equal(t, tc.retryable, service.IsRetryable(err), "status %d", tc.status)
		if tc.status == 404 {
			var typed *expected.GetInvoiceError
			require.ErrorAs(t, err, &typed)
		} else {
			var untyped *expected.APIError
			require.ErrorAs(t, err, &untyped, "status %d is not declared", tc.status)
			require.Equal(t, "GetInvoice", untyped.Operation)
		}
	}
}

func TestHTTPRetryAfter(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, 429, map[string]string{"Retry-After": "7"}, ``)
	_, err := expected.NewHTTPClient(srv.URL).Upload(context.Background(), &expected.UploadInput{Body: &expected.UploadRequest{File: []byte("x")}})
	require.True(t, service.IsRetryable(err))
	require.Equal(t, 7*time.Second, service.RetryAfter(err))
	var typed *expected.UploadError
	require.ErrorAs(t, err, &typed, "429 is declared")

	date := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	srv2, _ := serve(t, 503, map[string]string{"Retry-After": date}, `down`)
	_, err = expected.NewHTTPClient(srv2.URL).CreateInvoice(context.Background(), &expected.CreateInvoiceInput{})
	require.True(t, service.IsRetryable(err))
	require.InDelta(t, 90, service.RetryAfter(err).Seconds(), 3)
	require.Contains(t, err.Error(), "down")
}

func TestHTTPNetworkErrorIsRetryable(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	_, err := expected.NewHTTPClient(url).GetInvoice(context.Background(), &expected.GetInvoiceInput{ID: "1"})
	require.Error(t, err)
	require.True(t, service.IsRetryable(err))
	var se *service.Error
	require.True(t, errors.As(err, &se))
}

func TestHTTPQueryStylesCookiesAndNoSecurity(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, 200, nil, `[{"id":"a","customer":"c","lines":[],"status":"paid","createdAt":"2024-01-01T00:00:00Z"}]`)
	c := expected.NewHTTPClient(srv.URL, expected.WithAPIKeyHeader("secret"))
	d, err := time.Parse("2006-01-02", "2024-01-02")
	require.NoError(t, err)
	out, err := c.ListInvoices(context.Background(), &expected.ListInvoicesInput{
		Status:  []expected.InvoiceStatus{expected.InvoiceStatusOpen, expected.InvoiceStatusPaid},
		IDs:     []int64{1, 2, 3},
		Tags:    []string{"a", "b"},
		Words:   []string{"x", "y"},
		Filter:  &expected.ListInvoicesFilter{Customer: ptr("acme"), MinTotal: ptr(10.5)},
		Limit:   5,
		Since:   &expected.Date{Time: d},
		Session: ptr("s1"),
		Where:   &expected.ListInvoicesWhere{Total: ptr(int64(3))},
	})
	require.NoError(t, err)
	require.Equal(t, "filter%5Bcustomer%5D=acme&filter%5BminTotal%5D=10.5&ids=1%2C2%2C3&limit=5&since=2024-01-02&status=open&status=paid&tags=a%7Cb&where=%7B%22total%22%3A3%7D&words=x+y", rec.query)
	require.Len(t, rec.cookies, 1)
	require.Equal(t, "session", rec.cookies[0].Name)
	require.Equal(t, "s1", rec.cookies[0].Value)
	require.Empty(t, rec.header.Get("X-API-Key"), "security: [] disables authentication")
	require.Len(t, out.Body, 1)
	require.Equal(t, expected.InvoiceStatusPaid, out.Body[0].Status)

	// Unset parameters send nothing, with or without a nil check in the
	// generated code (an exploded array has none: AddQuery adds no item).
	_, err = c.ListInvoices(context.Background(), &expected.ListInvoicesInput{Limit: 5})
	require.NoError(t, err)
	require.Equal(t, "limit=5", rec.query)
	require.Empty(t, rec.cookies)
}

func TestHTTPPathEscapingBasicAuthAndSameNameParams(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, 200, nil, `{"id":"a/b"}`)
	c := expected.NewHTTPClient(srv.URL, expected.WithBasicAuth("user", "pass"))
	out, err := c.GetInvoice(context.Background(), &expected.GetInvoiceInput{ID: "a/b c", QueryID: ptr("q")})
	require.NoError(t, err)
	require.Equal(t, "/invoices/a%2Fb%20c", rec.rawPath)
	require.Equal(t, "id=q", rec.query)
	user, pass, ok := (&http.Request{Header: rec.header}).BasicAuth()
	require.True(t, ok)
	require.Equal(t, "user", user)
	require.Equal(t, "pass", pass)
	require.Equal(t, "a/b", out.Body.ID)
}

func TestHTTPLabelMatrixHeaderFormBodyAndExtensionKey(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, 200, map[string]string{"Content-Type": "text/plain"}, `done`)
	c := expected.NewHTTPClient(srv.URL)
	out, err := c.PutLines(taskContext(), &expected.PutLinesInput{
		ID: "i1", Coords: []int64{1, 2}, Matrix: "m",
		XFlags: []string{"a", "b"},
		Body:   &expected.PutLinesRequest{Note: ptr("n"), Qty: ptr(int64(2)), Labels: []string{"x", "y"}},
	})
	require.NoError(t, err)
	require.Equal(t, "PUT", rec.method)
	require.Equal(t, "/invoices/i1/lines.1,2;matrix=m", rec.path)
	require.Equal(t, "a,b", rec.header.Get("X-Flags"))
	require.Equal(t, "task-42", rec.header.Get("X-Dedup"), "x-infgen-idempotency-key names the header")
	require.Equal(t, "application/x-www-form-urlencoded", rec.header.Get("Content-Type"))
	require.Equal(t, "labels=x&labels=y&note=n&qty=2", string(rec.body))
	require.Equal(t, "done", *out.Body)
}

func TestHTTPMultipartQueryAndCookieKeysBinaryResponse(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, 200, map[string]string{"Content-Type": "application/octet-stream"}, "\x00\x01raw")
	c := expected.NewHTTPClient(srv.URL, expected.WithAPIKeyQuery("qk"), expected.WithAPIKeyCookie("ck"))
	out, err := c.Upload(context.Background(), &expected.UploadInput{Body: &expected.UploadRequest{File: []byte("file-bytes"), Title: ptr("t")}})
	require.NoError(t, err)
	require.Equal(t, "api_key=qk", rec.query)
	require.Equal(t, "file-bytes", rec.files["file"])
	require.Equal(t, []string{"t"}, rec.form["title"])
	require.Equal(t, "auth", rec.cookies[0].Name)
	require.Equal(t, "ck", rec.cookies[0].Value)
	require.Equal(t, []byte("\x00\x01raw"), out.Body)
}

func TestHTTPMultipartNeedsAllSchemesOfAnAlternative(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, 200, nil, ``)
	_, err := expected.NewHTTPClient(srv.URL, expected.WithAPIKeyQuery("qk")).Upload(context.Background(), &expected.UploadInput{Body: &expected.UploadRequest{}})
	require.NoError(t, err)
	require.Empty(t, rec.query, "half an alternative is not applied")
}

func TestHTTPOAuth2TokenSource(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, 204, nil, ``)
	ts := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "at", TokenType: "Bearer"})
	out, err := expected.NewHTTPClient(srv.URL, expected.WithOAuth(ts)).DeleteInvoicesID(context.Background(), &expected.DeleteInvoicesIDInput{ID: "9"})
	require.NoError(t, err)
	require.Equal(t, 204, out.StatusCode)
	require.Equal(t, "DELETE", rec.method)
	require.Equal(t, "Bearer at", rec.header.Get("Authorization"))
}

func TestHTTPOutputRoundTripsThroughJSON(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, 201, map[string]string{"X-Trace": "t1"}, `{"id":"x","customer":"c","lines":[],"status":"void","createdAt":"2024-01-01T00:00:00Z"}`)
	out, err := expected.NewHTTPClient(srv.URL).CreateInvoice(context.Background(), &expected.CreateInvoiceInput{Body: &expected.NewInvoice{}})
	require.NoError(t, err)
	data, err := json.Marshal(out)
	require.NoError(t, err)
	var back expected.CreateInvoiceOutput
	require.NoError(t, json.Unmarshal(data, &back))
	require.Equal(t, out.Body, back.Body)
	require.Equal(t, "t1", back.Header.Get("X-Trace"))
}

func TestHTTPTypedResponseHeaders(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, 201, map[string]string{
		"Location":               "/invoices/7",
		"X-Rate-Limit-Remaining": "41",
		"X-Warnings":             "late, partial",
	}, `{"id":"7"}`)
	out, err := expected.NewHTTPClient(srv.URL).CreateInvoice(context.Background(), &expected.CreateInvoiceInput{Body: &expected.NewInvoice{}})
	require.NoError(t, err)
	require.Equal(t, "/invoices/7", *out.Location)
	require.Equal(t, int64(41), *out.XRateLimitRemaining)
	require.Equal(t, []string{"late", "partial"}, out.XWarnings)

	srv2, _ := serve(t, 201, map[string]string{"X-Rate-Limit-Remaining": "many"}, `{}`)
	out, err = expected.NewHTTPClient(srv2.URL).CreateInvoice(context.Background(), &expected.CreateInvoiceInput{Body: &expected.NewInvoice{}})
	require.NoError(t, err)
	require.Nil(t, out.XRateLimitRemaining, "an unparsable header is left unset")
	require.Nil(t, out.Location)
	require.Equal(t, "many", out.Header.Get("X-Rate-Limit-Remaining"))
}

func TestHTTPEmptyPathParameterIsRefused(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, 204, nil, ``)
	_, err := expected.NewHTTPClient(srv.URL).DeleteInvoicesID(context.Background(), &expected.DeleteInvoicesIDInput{})
	require.ErrorContains(t, err, "path parameter id is empty")
	require.False(t, service.IsRetryable(err))
	require.Empty(t, rec.method, "no request was sent")
}

// TestHTTPSeveralDeclaredErrorStatuses answers each declared error status
// of an operation that declares several (they share one case of the
// response switch): each gives the typed error with its own body field
// decoded, classified by its status; an undeclared status gives APIError.
func TestHTTPSeveralDeclaredErrorStatuses(t *testing.T) {
	t.Parallel()
	call := func(status int, body string) error {
		srv, _ := serve(t, status, nil, body)
		_, err := expected.NewHTTPClient(srv.URL).VoidInvoice(context.Background(), &expected.VoidInvoiceInput{ID: "7"})
		return err
	}
	typed := func(err error) *expected.VoidInvoiceError {
		var e *expected.VoidInvoiceError
		require.ErrorAs(t, err, &e)
		return e
	}

	err := call(404, `{"title":"no such invoice"}`)
	e := typed(err)
	require.Equal(t, 404, e.StatusCode)
	require.Equal(t, "no such invoice", *e.Body404.Title)
	require.Nil(t, e.Body409)
	require.Nil(t, e.Body429)
	require.False(t, service.IsRetryable(err))

	err = call(409, "already paid")
	e = typed(err)
	require.Equal(t, "already paid", *e.Body409)
	require.Nil(t, e.Body404)
	require.False(t, service.IsRetryable(err))

	err = call(410, "gone for good")
	e = typed(err)
	require.Equal(t, 410, e.StatusCode)
	require.Equal(t, "gone for good", e.Message)
	require.Nil(t, e.Body404)
	require.Nil(t, e.Body409)
	require.Nil(t, e.Body429)

	err = call(429, `{"title":"slow down"}`)
	e = typed(err)
	require.Equal(t, "slow down", *e.Body429.Title)
	require.True(t, service.IsRetryable(err))

	err = call(418, "teapot")
	var untyped *expected.APIError
	require.ErrorAs(t, err, &untyped)
	require.Equal(t, expected.APIError{Operation: "VoidInvoice", StatusCode: 418, Header: untyped.Header, Message: "teapot"}, *untyped)

	srv, rec := serve(t, 200, nil, `{"id":"7"}`)
	out, err := expected.NewHTTPClient(srv.URL).VoidInvoice(context.Background(), &expected.VoidInvoiceInput{ID: "7"})
	require.NoError(t, err)
	require.Equal(t, "/invoices/7/void", rec.path)
	require.Equal(t, http.MethodPost, rec.method)
	require.Equal(t, 200, out.StatusCode)
	require.Equal(t, "7", out.Body.ID)
}

package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/httpapi"
	"github.com/infgen/infgen/runtime/service"
)

// The shapes a generated package declares for one operation.
type (
	noteInput struct {
		ID    string
		Limit *int64
		Tags  []string
		Body  *note
	}
	noteOutput struct {
		StatusCode int
		Header     http.Header
		Body       *note
		Text       *string
		ETag       *int64
	}
	noteError struct {
		StatusCode int
		Header     http.Header
		Message    string
		Body       *problem
	}
	note    struct{ Text string }
	problem struct{ Detail string }
)

func (e *noteError) Error() string { return httpapi.ErrorMessage("PutNote", e.StatusCode, e.Message) }

// server answers every request with status and body, counting requests and
// keeping the last one's URL and body.
func server(t *testing.T, status int, contentType, body string) (c httpapi.Client, calls *atomic.Int32, last *atomic.Value) {
	calls, last = new(atomic.Int32), new(atomic.Value)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		data, _ := io.ReadAll(r.Body)
		last.Store(r.Method + " " + r.URL.String() + " " + string(data))
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("ETag", "42")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return httpapi.Client{
		BaseURL: srv.URL, HTTP: srv.Client(), Header: http.Header{},
		Undeclared: func(op string, resp *http.Response, data []byte) error {
			return service.Permanentf("%s: undeclared %d", op, resp.StatusCode)
		},
	}, calls, last
}

func putNote() *httpapi.Operation {
	return &httpapi.Operation{
		Name: "PutNote", Method: http.MethodPut, Path: "/notes/{id}",
		Params: []httpapi.Param{
			{Name: "id", Field: "ID", In: httpapi.InPath, Style: httpapi.StyleSimple, NotEmpty: true},
			{Name: "limit", Field: "Limit", In: httpapi.InQuery, Style: httpapi.StyleForm, Explode: true},
			{Name: "tag", Field: "Tags", In: httpapi.InQuery, Style: httpapi.StyleForm, Explode: true},
		},
		Body:      &httpapi.Body{Field: "Body", ContentType: "application/json"},
		Responses: []httpapi.Response{{Status: "200", Field: "Body"}, {Status: "4XX", Error: true, Field: "Body"}},
		Headers:   []httpapi.Header{{Name: "ETag", Field: "ETag"}},
		Error:     (*noteError)(nil),
	}
}

func TestCallBuildsTheRequestAndDecodesTheResponse(t *testing.T) {
	c, _, last := server(t, 200, "application/json", `{"Text":"saved"}`)
	limit := int64(5)
	out := new(noteOutput)
	err := httpapi.Call(context.Background(), c, putNote(), &noteInput{ID: "n 1", Limit: &limit, Tags: []string{"a", "b"}, Body: &note{Text: "hi"}}, out)
	require.NoError(t, err)
	require.Equal(t, `PUT /notes/n%201?limit=5&tag=a&tag=b {"Text":"hi"}`, last.Load())
	require.Equal(t, 200, out.StatusCode)
	require.Equal(t, "saved", out.Body.Text)
	require.Equal(t, int64(42), *out.ETag)
}

func TestCallOptionalValuesSendNothing(t *testing.T) {
	c, _, last := server(t, 200, "application/json", ``)
	out := new(noteOutput)
	require.NoError(t, httpapi.Call(context.Background(), c, putNote(), &noteInput{ID: "n1"}, out))
	require.Equal(t, `PUT /notes/n1 `, last.Load())
	require.Nil(t, out.Body, "an empty body leaves an optional body unset")
}

func TestCallDeclaredErrorIsTypedAndClassified(t *testing.T) {
	c, _, _ := server(t, 409, "application/json", `{"Detail":"taken"}`)
	err := httpapi.Call(context.Background(), c, putNote(), &noteInput{ID: "n1"}, new(noteOutput))
	var ne *noteError
	require.ErrorAs(t, err, &ne)
	require.Equal(t, 409, ne.StatusCode)
	require.Equal(t, "taken", ne.Body.Detail)
	require.Contains(t, ne.Message, "taken")
	require.False(t, service.IsRetryable(err))

	c, _, _ = server(t, 429, "text/html", `<html>slow down</html>`)
	err = httpapi.Call(context.Background(), c, putNote(), &noteInput{ID: "n1"}, new(noteOutput))
	require.ErrorAs(t, err, &ne)
	require.Nil(t, ne.Body, "a body that is not the declared one stays in Message only")
	require.True(t, service.IsRetryable(err))
}

func TestCallUndeclaredStatus(t *testing.T) {
	c, _, _ := server(t, 503, "text/plain", `down`)
	err := httpapi.Call(context.Background(), c, putNote(), &noteInput{ID: "n1"}, new(noteOutput))
	require.EqualError(t, err, "PutNote: undeclared 503")

	c.Undeclared = nil
	err = httpapi.Call(context.Background(), c, putNote(), &noteInput{ID: "n1"}, new(noteOutput))
	require.EqualError(t, err, "PutNote: HTTP 503 Service Unavailable: down")
	require.True(t, service.IsRetryable(err))

	c, _, _ = server(t, 204, "text/plain", ``)
	out := new(noteOutput)
	require.NoError(t, httpapi.Call(context.Background(), c, putNote(), &noteInput{ID: "n1"}, out), "an undeclared success is a success")
	require.Equal(t, 204, out.StatusCode)
}

func TestCallDefaultResponses(t *testing.T) {
	op := putNote()
	op.Responses = []httpapi.Response{{Status: "default", Field: "Text", Encoding: httpapi.EncodeText}}
	c, _, _ := server(t, 404, "text/plain", `gone`)
	out := new(noteOutput)
	require.NoError(t, httpapi.Call(context.Background(), c, op, &noteInput{ID: "n1"}, out), "a success default takes every status")
	require.Equal(t, "gone", *out.Text)

	op = putNote()
	op.Responses = []httpapi.Response{{Status: "default", Error: true, Field: "Body"}}
	c, _, _ = server(t, 202, "application/json", `{"Text":"x"}`)
	require.NoError(t, httpapi.Call(context.Background(), c, op, &noteInput{ID: "n1"}, new(noteOutput)), "an error default leaves successes alone")
	c, _, _ = server(t, 500, "application/json", `{"Detail":"boom"}`)
	err := httpapi.Call(context.Background(), c, op, &noteInput{ID: "n1"}, new(noteOutput))
	var ne *noteError
	require.ErrorAs(t, err, &ne)
	require.Equal(t, "boom", ne.Body.Detail)
}

func TestCallRefusesAnEmptyPathParameterWithoutARequest(t *testing.T) {
	c, calls, _ := server(t, 200, "application/json", `{}`)
	err := httpapi.Call(context.Background(), c, putNote(), (*noteInput)(nil), new(noteOutput))
	require.EqualError(t, err, "PutNote: path parameter id is empty")
	require.False(t, service.IsRetryable(err))
	require.Zero(t, calls.Load())
}

func TestCallOfAClientThatDoesNotMatchTheRuntime(t *testing.T) {
	c, calls, _ := server(t, 200, "application/json", `{}`)
	op := putNote()
	op.Params = append(op.Params, httpapi.Param{Name: "x", Field: "Missing", In: httpapi.InQuery})
	err := httpapi.Call(context.Background(), c, op, &noteInput{ID: "n1"}, new(noteOutput))
	require.Error(t, err)
	require.Contains(t, err.Error(), "no field httpapi_test.noteInput.Missing; regenerate the package")
	require.False(t, service.IsRetryable(err))
	require.Zero(t, calls.Load())
}

func TestCallRequiredCredential(t *testing.T) {
	c, calls, last := server(t, 200, "application/json", `{}`)
	op := putNote()
	op.Credentials = []httpapi.Credential{{Name: "api_key", In: httpapi.InQuery, Key: "key", Required: true, Option: "WithAPIKey"}}
	err := httpapi.Call(context.Background(), c, op, &noteInput{ID: "n1"}, new(noteOutput))
	require.EqualError(t, err, "PutNote: credential api_key (query) is not configured: pass WithAPIKey to NewHTTPClient")
	require.Zero(t, calls.Load())

	c.Credential = func(key string) string { return map[string]string{"key": "s3cret"}[key] }
	require.NoError(t, httpapi.Call(context.Background(), c, op, &noteInput{ID: "n1"}, new(noteOutput)))
	require.True(t, strings.HasPrefix(last.Load().(string), "PUT /notes/n1?api_key=s3cret "), last.Load())
}

// canned answers every request with one JSON response, without a network.
type canned struct{}

func (canned) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Header: http.Header{"Etag": {"42"}},
		Body: io.NopCloser(strings.NewReader(`{"Text":"saved"}`)), Request: r}, nil
}

// BenchmarkCall measures what Call adds to an HTTP call: building the
// request from the descriptor and decoding the response, with a transport
// that answers at once.
func BenchmarkCall(b *testing.B) {
	c := httpapi.Client{BaseURL: "http://api.test", HTTP: &http.Client{Transport: canned{}}, Header: http.Header{}}
	op := putNote()
	limit := int64(5)
	in := &noteInput{ID: "n1", Limit: &limit, Tags: []string{"a", "b"}, Body: &note{Text: "hi"}}
	b.Run("descriptor", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := httpapi.Call(context.Background(), c, op, in, new(noteOutput)); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The same call as the method body infgen generated before descriptors.
	b.Run("inline", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			u := c.BaseURL + "/notes/" + httpapi.PathParam(httpapi.StyleSimple, false, "id", in.ID)
			q := url.Values{}
			if in.Limit != nil {
				httpapi.AddQuery(q, httpapi.StyleForm, true, "limit", *in.Limit)
			}
			httpapi.AddQuery(q, httpapi.StyleForm, true, "tag", in.Tags)
			u += "?" + q.Encode()
			body, err := httpapi.JSONBody("PutNote", in.Body)
			if err != nil {
				b.Fatal(err)
			}
			req, err := httpapi.NewRequest(context.Background(), "PutNote", http.MethodPut, u, body, "application/json", "")
			if err != nil {
				b.Fatal(err)
			}
			resp, data, err := httpapi.Do(c.HTTP, req, c.Header)
			if err != nil {
				b.Fatal(err)
			}
			out := &noteOutput{StatusCode: resp.StatusCode, Header: resp.Header}
			if v := resp.Header.Get("ETag"); v != "" {
				var x int64
				if httpapi.ParseHeader(v, &x) == nil {
					out.ETag = &x
				}
			}
			v := new(note)
			if err := httpapi.DecodeJSON("PutNote", data, v); err != nil {
				b.Fatal(err)
			}
			out.Body = v
		}
	})
}

// TestCallConcurrently calls one operation from several goroutines at once,
// its first calls among them (the race detector checks the plan made once).
func TestCallConcurrently(t *testing.T) {
	c, calls, _ := server(t, 200, "application/json", `{"Text":"saved"}`)
	op := putNote()
	errs := make(chan error, 8)
	for i := range 8 {
		go func() {
			out := new(noteOutput)
			err := httpapi.Call(context.Background(), c, op, &noteInput{ID: fmt.Sprint("n", i)}, out)
			if err == nil && out.Body.Text != "saved" {
				err = fmt.Errorf("body %+v", out.Body)
			}
			errs <- err
		}()
	}
	for range 8 {
		require.NoError(t, <-errs)
	}
	require.EqualValues(t, 8, calls.Load())
}

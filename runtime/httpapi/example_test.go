package httpapi_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/infgen/infgen/runtime/httpapi"
	"github.com/infgen/infgen/runtime/service"
)

// A generated client builds its request URL from the operation's
// parameters, each serialized in the style the spec declares.
func Example_parameters() {
	type filter struct {
		Status string `json:"status"`
		Owner  string `json:"owner"`
	}
	u := "https://api.example.com/invoices/" + httpapi.PathParam(httpapi.StyleSimple, false, "id", "inv 42")
	q := url.Values{}
	httpapi.AddQuery(q, httpapi.StyleForm, true, "tag", []string{"a", "b"})
	httpapi.AddQuery(q, httpapi.StyleDeepObject, true, "filter", filter{Status: "open", Owner: "ana"})
	fmt.Println(u + "?" + q.Encode())
	fmt.Println(httpapi.PathParam(httpapi.StyleMatrix, true, "tag", []string{"a", "b"}))
	// Output:
	// https://api.example.com/invoices/inv%2042?filter%5Bowner%5D=ana&filter%5Bstatus%5D=open&tag=a&tag=b
	// ;tag=a;tag=b
}

// Classify tells the runtime whether an error response is worth retrying,
// and when.
func ExampleClassify() {
	resp := &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"30"}}}
	err := httpapi.Classify(resp, errors.New(httpapi.ErrorMessage("CreateInvoice", resp.StatusCode, "slow down")))
	fmt.Println(err, service.IsRetryable(err), service.RetryAfter(err))

	resp = &http.Response{StatusCode: http.StatusNotFound, Header: http.Header{}}
	err = httpapi.Classify(resp, errors.New(httpapi.ErrorMessage("GetInvoice", resp.StatusCode, "")))
	fmt.Println(err, service.IsRetryable(err))
	// Output:
	// CreateInvoice: HTTP 429 Too Many Requests: slow down true 30s
	// GetInvoice: HTTP 404 Not Found false
}

// RetryAfter accepts both forms of the header.
func ExampleRetryAfter() {
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	fmt.Println(httpapi.RetryAfter("120", now))
	fmt.Println(httpapi.RetryAfter("Wed, 25 Nov 2026 09:05:00 GMT", now))
	// Output:
	// 2m0s
	// 5m0s
}

// A generated client declares each operation as an Operation and sends it
// with Call: the descriptor says where each field of the input travels and
// which field of the output the response fills.
func ExampleCall() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":%q,"status":"open","filter":%q}`, strings.TrimPrefix(r.URL.Path, "/invoices/"), r.URL.Query().Get("expand"))
	}))
	defer srv.Close()

	type (
		Invoice struct {
			ID     string `json:"id"`
			Status string `json:"status"`
			Filter string `json:"filter"`
		}
		GetInvoiceInput struct {
			ID     string
			Expand *string
		}
		GetInvoiceOutput struct {
			StatusCode int
			Header     http.Header
			Body       *Invoice
		}
	)
	op := &httpapi.Operation{
		Name: "GetInvoice", Method: http.MethodGet, Path: "/invoices/{id}",
		Params: []httpapi.Param{
			{Name: "id", Field: "ID", In: httpapi.InPath, Style: httpapi.StyleSimple, NotEmpty: true},
			{Name: "expand", Field: "Expand", In: httpapi.InQuery, Style: httpapi.StyleForm, Explode: true},
		},
		Accept:    "application/json",
		Responses: []httpapi.Response{{Status: "200", Field: "Body"}},
	}
	client := httpapi.Client{BaseURL: srv.URL} // through http.DefaultClient

	expand := "lines"
	out := new(GetInvoiceOutput)
	err := httpapi.Call(context.Background(), client, op, &GetInvoiceInput{ID: "inv_42", Expand: &expand}, out)
	fmt.Println(out.StatusCode, *out.Body, err)

	err = httpapi.Call(context.Background(), client, op, &GetInvoiceInput{}, new(GetInvoiceOutput))
	fmt.Println(err, service.IsRetryable(err))
	// Output:
	// 200 {inv_42 open lines} <nil>
	// GetInvoice: path parameter id is empty false
}

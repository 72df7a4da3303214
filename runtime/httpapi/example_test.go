package httpapi_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
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

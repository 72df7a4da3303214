package httpapi

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/infgen/infgen/runtime/service"
)

// snippetLimit is how many bytes of a response body [BodySnippet] keeps.
const snippetLimit = 512

// Do sends req through client after adding header (the client's default
// headers) and returns the response with its body read and closed.
// Transport failures and truncated bodies are retryable errors naming the
// method and path. Inside a traced task attempt the call is a client span
// whose W3C trace context the request carries; inside an untraced task, the
// request carries the task's trace context.
func Do(client *http.Client, req *http.Request, header http.Header) (*http.Response, []byte, error) {
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	span := startSpan(req)
	resp, err := client.Do(req)
	if err != nil {
		endSpan(span, nil, err)
		return nil, nil, service.Retryable(fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err), 0)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		err = fmt.Errorf("%s %s: read response: %w", req.Method, req.URL.Path, err)
		endSpan(span, resp, err)
		return nil, nil, service.Retryable(err, 0)
	}
	endSpan(span, resp, nil)
	return resp, data, nil
}

// Classify marks err, the error of response resp, for the runtime's retry
// policy: statuses 408, 425, 429 and 5xx are retryable, not before the
// delay of the response's Retry-After header; other statuses are
// permanent. The result wraps err (errors.As still finds it).
func Classify(resp *http.Response, err error) error {
	if Retryable(resp.StatusCode) {
		return service.Retryable(err, RetryAfter(resp.Header.Get("Retry-After"), time.Now()))
	}
	return service.Permanent(err)
}

// Retryable reports whether a response with status code could succeed
// when retried: 408 Request Timeout, 425 Too Early, 429 Too Many Requests
// and every 5xx.
func Retryable(code int) bool {
	switch {
	case code == http.StatusRequestTimeout, code == http.StatusTooEarly, code == http.StatusTooManyRequests:
		return true
	}
	return code >= 500
}

// RetryAfter parses a Retry-After header value, delay-seconds ("120") or
// an HTTP date relative to now, into a delay. An empty, invalid, negative
// or past value gives 0.
func RetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// ErrorMessage formats the message of an HTTP error of operation op:
// "op: HTTP 404 Not Found: body".
func ErrorMessage(op string, status int, body string) string {
	msg := fmt.Sprintf("%s: HTTP %d %s", op, status, http.StatusText(status))
	if body != "" {
		msg += ": " + body
	}
	return msg
}

// BodySnippet is the start of a response body (512 bytes at most, then
// "…"), for error messages.
func BodySnippet(data []byte) string {
	if len(data) > snippetLimit {
		return string(data[:snippetLimit]) + "…"
	}
	return string(data)
}

package main

import (
	"context"
	"net/http"
	"sync/atomic"

	"google.golang.org/grpc"

	"github.com/infgen/infgen/runtime/service"
)

// attempts counts the calls the generated clients make to the servers, and
// among them the retries (calls made on a task's second or later attempt).
type attempts struct {
	calls, retries atomic.Int64
}

func (a *attempts) observe(ctx context.Context) {
	a.calls.Add(1)
	if t, ok := service.TaskFrom(ctx); ok && t.Attempt > 1 {
		a.retries.Add(1)
	}
}

// roundTripper wraps an HTTP transport.
func (a *attempts) roundTripper(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		a.observe(r.Context())
		return next.RoundTrip(r)
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// intercept is a gRPC unary client interceptor.
func (a *attempts) intercept(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	a.observe(ctx)
	return invoker(ctx, method, req, reply, cc, opts...)
}

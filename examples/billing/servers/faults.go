package servers

import (
	"bytes"
	"context"
	"math/rand/v2"
	"net/http"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// fault is what a flaky server does to one request.
type fault int

const (
	faultNone fault = iota
	// faultUnavailable answers 503 / UNAVAILABLE without acting.
	faultUnavailable
	// faultTimeout never answers and does not act: the caller times out.
	faultTimeout
	// faultLostReply acts, then never answers: the caller times out and
	// retries a request that already took effect.
	faultLostReply
)

// maxHang bounds how long a server holds a request it will not answer, in
// case the caller has no deadline.
const maxHang = 30 * time.Second

// faults injects failures at a rate and counts them.
type faults struct {
	rate     float64
	injected atomic.Int64
}

// next draws the fault for one request: half of the faults are 503s, a
// quarter time out before acting, a quarter lose the reply after acting.
func (f *faults) next() fault {
	if f.rate <= 0 || rand.Float64() >= f.rate {
		return faultNone
	}
	f.injected.Add(1)
	switch r := rand.Float64(); {
	case r < 0.5:
		return faultUnavailable
	case r < 0.75:
		return faultTimeout
	default:
		return faultLostReply
	}
}

// hang waits until the caller gives up (or maxHang).
func hang(ctx context.Context) {
	t := time.NewTimer(maxHang)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// middleware makes h flaky.
func (f *faults) middleware(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch f.next() {
		case faultUnavailable:
			writeProblem(w, http.StatusServiceUnavailable, "Service Unavailable", "injected fault: try again")
		case faultTimeout:
			hang(r.Context())
		case faultLostReply:
			h.ServeHTTP(&discard{header: http.Header{}}, r)
			hang(r.Context())
		default:
			h.ServeHTTP(w, r)
		}
	})
}

// discard is a ResponseWriter whose response is lost.
type discard struct {
	header http.Header
	body   bytes.Buffer
}

func (d *discard) Header() http.Header         { return d.header }
func (d *discard) Write(b []byte) (int, error) { return d.body.Write(b) }
func (d *discard) WriteHeader(int)             {}

// interceptor makes a gRPC server flaky.
func (f *faults) interceptor(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	switch f.next() {
	case faultUnavailable:
		return nil, status.Error(codes.Unavailable, "injected fault: try again")
	case faultTimeout:
		hang(ctx)
		return nil, status.Error(codes.DeadlineExceeded, "injected fault: no answer")
	case faultLostReply:
		_, _ = h(ctx, req)
		hang(ctx)
		return nil, status.Error(codes.DeadlineExceeded, "injected fault: reply lost")
	default:
		return h(ctx, req)
	}
}

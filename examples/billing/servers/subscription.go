package servers

import (
	"context"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/infgen/infgen/examples/billing/gen/subscription"
)

// subscriptionRecord is one state of a subscription, as journaled.
type subscriptionRecord struct {
	CustomerID   string `json:"customerId"`
	Plan         string `json:"plan"`
	Email        string `json:"email"`
	Active       bool   `json:"active"`
	CancelReason string `json:"cancelReason,omitempty"`
}

func (r subscriptionRecord) proto() *subscription.Subscription {
	return &subscription.Subscription{CustomerId: r.CustomerID, Plan: r.Plan, Email: r.Email, Active: r.Active, CancelReason: r.CancelReason}
}

// subscriptionServer implements the SubscriptionService interface the
// generator produced from subscription.proto, served over gRPC.
type subscriptionServer struct {
	mu      sync.Mutex
	subs    map[string]subscriptionRecord
	journal *journal[subscriptionRecord]
}

var _ subscription.SubscriptionService = (*subscriptionServer)(nil)

func openSubscriptionServer(path string) (*subscriptionServer, error) {
	s := &subscriptionServer{subs: map[string]subscriptionRecord{}}
	j, err := openJournal(path, func(r subscriptionRecord) { s.subs[r.CustomerID] = r })
	if err != nil {
		return nil, err
	}
	s.journal = j
	return s, nil
}

// Subscribe registers a subscription; a known customer's subscription is
// returned unchanged (canceled ones stay canceled).
func (s *subscriptionServer) Subscribe(_ context.Context, in *subscription.SubscribeRequest) (*subscription.Subscription, error) {
	if in.GetCustomerId() == "" || in.GetEmail() == "" {
		return nil, status.Error(codes.InvalidArgument, "customer_id and email are required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.subs[in.GetCustomerId()]; ok {
		return r.proto(), nil
	}
	r := subscriptionRecord{CustomerID: in.GetCustomerId(), Plan: in.GetPlan(), Email: in.GetEmail(), Active: true}
	if err := s.journal.Append(r); err != nil {
		return nil, status.Error(codes.Unavailable, err.Error())
	}
	s.subs[r.CustomerID] = r
	return r.proto(), nil
}

// GetSubscription returns a customer's subscription, NOT_FOUND if unknown.
func (s *subscriptionServer) GetSubscription(_ context.Context, in *subscription.GetSubscriptionRequest) (*subscription.Subscription, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.subs[in.GetCustomerId()]
	if !ok {
		return nil, status.Errorf(codes.NotFound, "no subscription for customer %q", in.GetCustomerId())
	}
	return r.proto(), nil
}

// CancelSubscription ends a subscription; canceling again keeps the first
// reason.
func (s *subscriptionServer) CancelSubscription(_ context.Context, in *subscription.CancelSubscriptionRequest) (*subscription.Subscription, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.subs[in.GetCustomerId()]
	if !ok {
		return nil, status.Errorf(codes.NotFound, "no subscription for customer %q", in.GetCustomerId())
	}
	if !r.Active {
		return r.proto(), nil
	}
	r.Active, r.CancelReason = false, in.GetReason()
	if err := s.journal.Append(r); err != nil {
		return nil, status.Error(codes.Unavailable, err.Error())
	}
	s.subs[r.CustomerID] = r
	return r.proto(), nil
}

// counts returns how many subscriptions are active and canceled.
func (s *subscriptionServer) counts() (active, canceled int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.subs {
		if r.Active {
			active++
		} else {
			canceled++
		}
	}
	return active, canceled
}

// subscriptionServiceDesc serves a subscription.SubscriptionService over
// gRPC. infgen generates the client side only; a service that already
// exists has its own server code, which this small descriptor stands for.
func subscriptionServiceDesc() *grpc.ServiceDesc {
	return &grpc.ServiceDesc{
		ServiceName: subscription.ServiceName,
		HandlerType: (*subscription.SubscriptionService)(nil),
		Methods: []grpc.MethodDesc{
			unary("Subscribe", subscription.SubscriptionService.Subscribe),
			unary("GetSubscription", subscription.SubscriptionService.GetSubscription),
			unary("CancelSubscription", subscription.SubscriptionService.CancelSubscription),
		},
		Metadata: "subscription.proto",
	}
}

// unary adapts one method of the interface to a grpc.MethodDesc.
func unary[In any](name string, call func(subscription.SubscriptionService, context.Context, *In) (*subscription.Subscription, error)) grpc.MethodDesc {
	full := "/" + subscription.ServiceName + "/" + name
	return grpc.MethodDesc{
		MethodName: name,
		Handler: func(srv any, ctx context.Context, dec func(any) error, ic grpc.UnaryServerInterceptor) (any, error) {
			in := new(In)
			if err := dec(in); err != nil {
				return nil, err
			}
			impl := srv.(subscription.SubscriptionService)
			if ic == nil {
				return call(impl, ctx, in)
			}
			return ic(ctx, in, &grpc.UnaryServerInfo{Server: srv, FullMethod: full}, func(ctx context.Context, req any) (any, error) {
				return call(impl, ctx, req.(*In))
			})
		},
	}
}

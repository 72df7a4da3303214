package grpcapi_test

import (
	"fmt"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/infgen/infgen/runtime/grpcapi"
	"github.com/infgen/infgen/runtime/service"
)

// Classify turns the status of a failed call into the runtime's retry
// decision; a server can ask for a delay with google.rpc.RetryInfo.
func ExampleClassify() {
	busy, _ := status.New(codes.Unavailable, "overloaded").
		WithDetails(&errdetails.RetryInfo{RetryDelay: durationpb.New(2 * time.Second)})
	err := grpcapi.Classify(busy.Err())
	fmt.Println(service.IsRetryable(err), service.RetryAfter(err))

	err = grpcapi.Classify(status.Error(codes.NotFound, "no such item"))
	fmt.Println(service.IsRetryable(err), status.Code(err))
	// Output:
	// true 2s
	// false NotFound
}

package grpcapi

import (
	"encoding/json"
	"fmt"

	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/infgen/infgen/runtime/failure"
)

// StatusErrorName is the name gRPC status errors are recorded under.
const StatusErrorName = "grpc.Status"

// StatusError is the gRPC status a task failed with, as a workflow
// receives it: its code, message and details. It implements GRPCStatus, so
// status.FromError and status.Code work on the workflow's error too:
//
//	var st *grpcapi.StatusError
//	if errors.As(err, &st) && st.Code() == codes.NotFound { … }
type StatusError struct {
	st *status.Status
}

// NewStatusError returns the StatusError of st.
func NewStatusError(st *status.Status) *StatusError { return &StatusError{st: st} }

// Error is the message of the status, as grpc-go spells it
// ("rpc error: code = NotFound desc = …").
func (e *StatusError) Error() string { return e.st.Err().Error() }

// GRPCStatus returns the status.
func (e *StatusError) GRPCStatus() *status.Status { return e.st }

// Code returns the status code.
func (e *StatusError) Code() codes.Code { return e.st.Code() }

// Message returns the status message.
func (e *StatusError) Message() string { return e.st.Message() }

// Details returns the status details (such as *errdetails.BadRequest),
// decoded with the message types linked into the program; a detail of an
// unknown type is an error in the slice.
func (e *StatusError) Details() []any { return e.st.Details() }

// statusJSON is the recorded form of a status: readable code and message,
// details as type URL and bytes, so that decoding needs no detail type.
type statusJSON struct {
	Code    int32        `json:"code"`
	Message string       `json:"message,omitempty"`
	Details []detailJSON `json:"details,omitempty"`
}

type detailJSON struct {
	TypeURL string `json:"typeUrl"`
	Value   []byte `json:"value"`
}

// StatusErrorType is the error type of gRPC status errors, registered by
// generated gRPC packages: a task's error whose chain holds an error with
// a GRPCStatus method (as grpc-go's call errors have) crosses to the
// workflow as its code, message and details, and decodes into a
// *StatusError.
func StatusErrorType() failure.ErrorType {
	return failure.ErrorType{
		Name: StatusErrorName,
		Match: func(err error) bool {
			s, ok := err.(interface{ GRPCStatus() *status.Status })
			return ok && s.GRPCStatus() != nil && s.GRPCStatus().Code() != codes.OK
		},
		Marshal: func(err error) ([]byte, error) {
			p := err.(interface{ GRPCStatus() *status.Status }).GRPCStatus().Proto()
			out := statusJSON{Code: p.GetCode(), Message: p.GetMessage()}
			for _, d := range p.GetDetails() {
				out.Details = append(out.Details, detailJSON{TypeURL: d.GetTypeUrl(), Value: d.GetValue()})
			}
			return json.Marshal(out)
		},
		Unmarshal: func(payload []byte) (error, error) {
			var in statusJSON
			if err := json.Unmarshal(payload, &in); err != nil {
				return nil, fmt.Errorf("decode %s: %w", StatusErrorName, err)
			}
			p := &spb.Status{Code: in.Code, Message: in.Message}
			for _, d := range in.Details {
				p.Details = append(p.Details, &anypb.Any{TypeUrl: d.TypeURL, Value: d.Value})
			}
			return &StatusError{st: status.FromProto(p)}, nil
		},
	}
}

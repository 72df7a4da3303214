package ir

import "time"

// Source tells which parser produced a Spec.
type Source string

// Sources of a Spec.
const (
	SourceOpenAPI Source = "openapi"
	SourceProto   Source = "proto"
)

// Spec is one API description: the services it declares, the named types
// their methods use (OpenAPI only; proto types are emitted by protogen) and
// everything the generator needs to produce one Go package.
type Spec struct {
	// Source is the parser that produced the spec.
	Source Source
	// Package is the suggested Go package name (a valid identifier).
	Package string
	// Title, Version and Description come from the document's info.
	Title       string
	Version     string
	Description string
	// Files are the input files, in the order they were read (for doc.go).
	Files []string
	// Servers are the base URLs declared by the document, in document order.
	Servers []string
	// Services are in document order (proto: files in the order given,
	// services in declaration order).
	Services []Service
	// Selection, when only some operations are generated, says which
	// ("operations tagged repos (204 of 1223 operations)"); empty for
	// the whole document.
	Selection string
	// Types are the named Go types of the package in document order: by
	// the position of the schema they come from, those of the root
	// document first, then those of the files it refers to; types without
	// a recorded position last, sorted by Name.
	Types []Type
	// SecuritySchemes are in document order.
	SecuritySchemes []SecurityScheme
	// Webhooks are the document's webhooks (OpenAPI 3.1) in document order.
	Webhooks []Hook
	// HookSchemas is an OpenAPI document (JSON) whose components.schemas
	// hold the payload schemas of the webhooks and callbacks (Hook.Schema)
	// and what they refer to, embedded by the generated package to
	// validate deliveries; empty without hooks.
	HookSchemas string
	// Proto carries the descriptors protogen needs (gRPC specs only).
	Proto *ProtoFiles
	// Warnings are constructs the parser could not map precisely; sorted by
	// position.
	Warnings []Warning
}

// Service is one service: an interface in the generated package.
type Service struct {
	// Name is the Go identifier of the interface (for example "Petstore").
	Name string
	// FullName is the name the runtime routes tasks by: the OpenAPI title
	// made into an identifier, or the fully qualified proto service name
	// ("pkg.Greeter").
	FullName string
	// Doc is the service's description.
	Doc string
	// Deprecated is set when the service as a whole is marked deprecated
	// (proto: option deprecated = true on the service).
	Deprecated bool
	// Methods are in document order (OpenAPI: operations as the document
	// lists them; proto: rpcs in declaration order). Their names do not
	// depend on that order.
	Methods []Method
}

// Method is one operation of a service.
type Method struct {
	// Name is the Go identifier of the method, unique within its service.
	Name string
	// Doc is the summary and description of the operation.
	Doc string
	// Deprecated marks operations the spec deprecates.
	Deprecated bool
	// Pos is where the operation is declared.
	Pos Pos
	// Input and Output are the Go types the method takes and returns (both
	// used as pointers). For OpenAPI they are types of the generated package
	// (ImportPath empty); for gRPC the protoc-gen-go message types.
	Input  GoIdent
	Output GoIdent
	// Exactly one of HTTP and GRPC is set.
	HTTP *HTTPBinding
	GRPC *GRPCBinding
	// Timeout bounds one attempt of the method's task (0: the worker's
	// default), from x-infgen-timeout.
	Timeout time.Duration
	// Retry overrides the worker's retry policy for the method (nil: the
	// worker's), from x-infgen-retry.
	Retry *RetryPolicy
	// Compensate is the method that undoes this one in a saga (nil: none
	// declared), from x-infgen-compensate.
	Compensate *Compensation
	// Callbacks are the operation's callbacks (OpenAPI) in document order.
	Callbacks []Hook
	// CallName is the stub method dispatching the call with a key for its
	// callbacks ("CallCreateCharge") and CallType the type it returns
	// ("CreateChargeCall"); set when Callbacks is not empty.
	CallName string
	CallType string
}

// RetryPolicy mirrors runtime/retry.Policy as plain data: zero fields keep
// the runtime's defaults.
type RetryPolicy struct {
	MaxAttempts int
	Initial     time.Duration
	Multiplier  float64
	Max         time.Duration
	Jitter      float64
}

// GoIdent names a Go identifier, as protogen.GoIdent does. An empty
// ImportPath means the generated package itself.
type GoIdent struct {
	ImportPath string
	Name       string
}

// Pos is a position in an input file. Line and Col start at 1; zero means
// unknown.
type Pos struct {
	File string
	Line int
	Col  int
}

// Warning is a construct that was generated loosely (for example as
// json.RawMessage) or skipped.
type Warning struct {
	Pos     Pos
	Message string
}

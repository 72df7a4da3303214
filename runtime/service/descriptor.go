package service

import (
	"strings"

	"github.com/infgen/infgen/runtime/internal/dataschema"
)

// SupportPackageIsVersion2 is referenced by every package infgen generates
// (const _ = service.SupportPackageIsVersion2), naming the version of the
// contract between generated code and this runtime. A package generated
// for a newer runtime than the one it is compiled against fails to compile
// with a message naming the constant ("undefined:
// service.SupportPackageIsVersion3": upgrade github.com/infgen/infgen to the
// version of the infgen that generated it); a runtime that can no longer run
// packages of an older version drops that version's constant, so that such
// a package fails to compile rather than misbehave at run time (regenerate
// it with this runtime's infgen).
//
// Version 2: HTTP clients are per-operation httpapi.Operation descriptors
// sent by httpapi.Call.
const SupportPackageIsVersion2 = true

// SupportPackageIsVersion1 is the contract of packages generated before
// version 2 (HTTP clients with a method body per operation), which this
// runtime still runs.
const SupportPackageIsVersion1 = true

// PackageDescriptor describes what a generated package offers. Each
// generated package exports one, InfgenDescriptor, which tools (infgen init
// worker) read instead of parsing the generated code.
type PackageDescriptor struct {
	// Spec is the API description the package was generated from.
	Spec SpecInfo `json:"spec"`
	// Generator is the infgen version that generated the package.
	Generator string `json:"generator"`
	// Services are the package's services, in the generated order.
	Services []ServiceDescriptor `json:"services"`
}

// SpecInfo identifies an API description.
type SpecInfo struct {
	// Kind is "openapi" or "proto".
	Kind    string `json:"kind"`
	Title   string `json:"title,omitempty"`
	Version string `json:"version,omitempty"`
	// Files are the input files, as given to infgen generate.
	Files []string `json:"files,omitempty"`
}

// ServiceDescriptor describes one generated service.
type ServiceDescriptor struct {
	// Name is the routed service name (the ServiceName constant).
	Name string `json:"name"`
	// Binding is "http" or "grpc": what the generated client calls.
	Binding string `json:"binding"`
	// Register is the name of the function that hosts an implementation in
	// a worker; NewClient the constructor of the generated client that
	// calls the real API (its argument is a base URL for HTTP, a
	// *grpc.ClientConn for gRPC).
	Register  string `json:"register"`
	NewClient string `json:"newClient"`
	// Stub is the workflow stub's type and NewStub its constructor.
	Stub    string `json:"stub"`
	NewStub string `json:"newStub"`
	// Methods are the routed method names, in the generated order.
	Methods []string `json:"methods"`
	// Events are the CloudEvents the service's tasks publish when a worker
	// runs them with outcome events on (worker.Options.OutcomeEvents), two
	// per method: completed and failed.
	Events []EventDescriptor `json:"events,omitempty"`
	// Hooks are the webhooks and callbacks of the API, which a
	// webhook.Receiver serves (see runtime/webhook).
	Hooks []HookDescriptor `json:"hooks,omitempty"`
	// CallbacksOption is the client option taking the receiver that makes
	// callback URLs ("WithCallbacks"), when the API has callbacks.
	CallbacksOption string `json:"callbacksOption,omitempty"`
}

// HookDescriptor describes one webhook or callback of a generated package.
type HookDescriptor struct {
	// Kind is "webhook" or "callback"; Name its key in the spec.
	Kind string `json:"kind"`
	Name string `json:"name"`
	// Signal is the signal channel it is delivered on.
	Signal string `json:"signal"`
	// Handle is the function registering it on a receiver:
	// Handle(r, opts...) for a callback, Handle(r, route, opts...) for a
	// webhook.
	Handle string `json:"handle"`
}

// EventDescriptor describes one event type a generated service publishes.
type EventDescriptor struct {
	// Type is the CloudEvents type: "<service>.<method>.<outcome>".
	Type string `json:"type"`
	// Method is the routed method name; Outcome "completed" or "failed".
	Method  string `json:"method"`
	Outcome string `json:"outcome"`
	// Data is the Go type of the event's data (the method's result, in the
	// package unless qualified by an import path); empty for a failure,
	// whose data is the recorded error.
	Data string `json:"data,omitempty"`
	// Subscribe is the generated events.Typed value to subscribe to the
	// event with its data typed, with events.On
	// ("PetstoreEvents.CreatePetCompleted"), if any.
	Subscribe string `json:"subscribe,omitempty"`
	// DataSchema is the event's dataschema URI, derived from Data at run
	// time (FillDataSchemas); generated code leaves it empty.
	DataSchema string `json:"dataSchema,omitempty"`
}

// FillDataSchemas sets the DataSchema of every event of d that names its
// data, d being the descriptor of the package importPath: the URI its
// events carry (see docs/events.md), the protobuf type URL of a message
// the process knows (its package is linked in), else the Go type's URN.
func FillDataSchemas(d *PackageDescriptor, importPath string) {
	for i := range d.Services {
		for j := range d.Services[i].Events {
			ev := &d.Services[i].Events[j]
			if ev.Data == "" {
				continue
			}
			pkg, name := importPath, ev.Data
			if k := strings.LastIndex(ev.Data, "."); k >= 0 && strings.Contains(ev.Data, "/") {
				pkg, name = ev.Data[:k], ev.Data[k+1:]
			}
			ev.DataSchema = dataschema.ForName(pkg, name)
		}
	}
}

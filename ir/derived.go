package ir

import "strings"

// Names the generator derives from service and method names. They live here,
// next to GoName, so that parsers can reserve them and nothing collides.

// StubName is the workflow stub type of a service ("PetstoreStub").
func StubName(service string) string { return service + "Stub" }

// NewStubName is the stub constructor ("NewPetstoreStub").
func NewStubName(service string) string { return "New" + service + "Stub" }

// EventsName is the variable whose fields are the typed events of a
// service's tasks ("PetstoreEvents").
func EventsName(service string) string { return service + "Events" }

// CompletedName is the field of the EventsName variable that is the event
// of a method's completed task ("CreatePetCompleted").
func CompletedName(method string) string { return method + "Completed" }

// Outcomes of a method's task that a service publishes as events.
const (
	OutcomeCompleted = "completed"
	OutcomeFailed    = "failed"
)

// EventType is the CloudEvents type of the event a method's task publishes
// on an outcome ("Petstore.ShowPetByID.completed"): service is the routed
// service name (Service.FullName, the generated ServiceName constant) and
// method the routed method name (an OpenAPI Method.Name; the rpc's name for
// gRPC).
func EventType(service, method, outcome string) string {
	return service + EventTypeSuffix(method, outcome)
}

// EventTypeSuffix is what generated code appends to its ServiceName
// constant to spell an EventType (".ShowPetByID.completed").
func EventTypeSuffix(method, outcome string) string { return "." + method + "." + outcome }

// DispatchName is the name of the asynchronous stub method that earlier
// versions generated for a method ("DispatchCreatePet"; workflow.Async
// replaces it). The parsers still reserve it, so that the methods of a spec
// keep the names, and routes, they had.
func DispatchName(method string) string { return "Dispatch" + method }

// CompensatedName is the stub method that runs a method and registers its
// declared compensation in a saga ("CreateChargeCompensated").
func CompensatedName(method string) string { return method + "Compensated" }

// CompensationName is the stub method returning the compensation of one
// call of a method ("CreateChargeCompensation").
func CompensationName(method string) string { return method + "Compensation" }

// InputName is the input type of an OpenAPI method ("CreatePetInput").
func InputName(method string) string { return method + "Input" }

// OutputName is the output type of an OpenAPI method ("CreatePetOutput").
func OutputName(method string) string { return method + "Output" }

// FixedNames are the package-level identifiers every generated OpenAPI
// package declares; a parser reserves them before naming schemas.
func FixedNames() []string {
	return []string{
		"ServiceName", "Register", "HTTPClient", "NewHTTPClient", "HTTPOption",
		"WithHTTPClient", "WithHeader", "Date", "APIError", "ErrorTypes", DescriptorName,
	}
}

// DescriptorName is the variable every generated package declares to
// describe itself to tools (a service.PackageDescriptor).
const DescriptorName = "InfgenDescriptor"

// AdditionalPropertiesField is the struct field holding the
// additionalProperties of an object that also has fixed properties.
const AdditionalPropertiesField = "AdditionalProperties"

// ErrorName is the typed error of an OpenAPI method's declared error
// responses ("CreatePetError").
func ErrorName(method string) string { return method + "Error" }

// OptionName is the HTTPClient option that sets a security scheme's
// credentials ("WithAPIKey" for the scheme whose GoName is "APIKey").
func OptionName(scheme string) string { return "With" + scheme }

// StatusName spells a response status inside an identifier: codes and
// ranges as written ("404", "2XX"), anything else as a Go name ("default"
// → "Default"), so that "Body" + StatusName("404") is "Body404".
func StatusName(status string) string {
	if status != "" && strings.Trim(strings.ToUpper(status), "0123456789X") == "" {
		return strings.ToUpper(status)
	}
	return GoNameSuffix(status)
}

// SignalConstName is the constant naming a hook's signal ("ChargeSettledSignal").
func SignalConstName(hook string) string { return hook + "Signal" }

// HandleName registers a hook's receiver endpoint ("HandleChargeSettled").
func HandleName(hook string) string { return "Handle" + hook }

// ChannelName returns a webhook's signal channel ("ChargeSettledChannel").
func ChannelName(hook string) string { return hook + "Channel" }

// AwaitName is the stub method awaiting a callback ("AwaitChargeOutcome").
func AwaitName(hook string) string { return "Await" + hook }

// CallName is the stub method dispatching a call whose callbacks the
// workflow awaits ("CallCreateCharge").
func CallName(method string) string { return "Call" + method }

// CallTypeName is the type CallName returns ("CreateChargeCall").
func CallTypeName(method string) string { return method + "Call" }

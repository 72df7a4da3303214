package ir

// HookKind tells an OpenAPI webhook from a callback.
type HookKind string

// Kinds of hooks.
const (
	// HookWebhook is an OpenAPI 3.1 webhook: the API sends it to a URL
	// registered out of band.
	HookWebhook HookKind = "webhook"
	// HookCallback is an operation's callback: the API sends it to a URL
	// the call passed (a runtime expression names where).
	HookCallback HookKind = "callback"
)

// Hook is one webhook or callback operation: a request the API sends to
// the workers, delivered to a workflow as a typed signal.
type Hook struct {
	Kind HookKind
	// Name is the key under webhooks or callbacks ("chargeSettled").
	Name string
	// Pos is where the hook's operation is declared.
	Pos Pos
	Doc string
	// Method is the HTTP method the API sends ("POST").
	Method string
	// GoName is the Go name of the hook ("ChargeSettled"), unique among
	// the hooks of the package; the names below derive from it.
	GoName string
	// SignalConst is the constant holding Signal ("ChargeSettledSignal").
	SignalConst string
	// Signal is the signal channel: the service's FullName, a dot and Name
	// ("Payments.chargeSettled"); a callback's channel adds the call's key.
	Signal string
	// HandleFunc registers the receiver endpoint ("HandleChargeSettled").
	HandleFunc string
	// Receive names what a workflow waits with: for a webhook the function
	// returning its signal channel ("ChargeSettledChannel"), for a callback
	// the stub method awaiting it ("AwaitChargeOutcome").
	Receive string
	// Payload is the request body (nil: none is declared).
	Payload *Body
	// Schema is the name, under components.schemas of Spec.HookSchemas, of
	// the schema validating the payload ("" when it cannot be embedded).
	Schema string
	// Status is the first declared 2xx response ("204"), or empty.
	Status string
	// DeliveryHeader is a declared header identifying a delivery
	// ("X-Delivery-Id"), SignatureHeader one carrying its signature
	// ("X-Signature"); empty when none is declared.
	DeliveryHeader  string
	SignatureHeader string
	// Expression is a callback's URL runtime expression
	// ("{$request.body#/callbackUrl}").
	Expression string
	// Fill says where the generated client puts the callback URL in the
	// call's input; nil when the expression cannot be filled (a warning
	// says why).
	Fill *HookFill
}

// HookFill locates the input value a callback's runtime expression reads:
// a parameter field of the method's input, or a property of its body.
type HookFill struct {
	// Param is the input field of a query or header parameter; empty for
	// the body.
	Param string
	// Field is the body struct's field for a body pointer ("CallbackURL").
	Field string
	// Pointer is set when the field is a *string.
	Pointer bool
}

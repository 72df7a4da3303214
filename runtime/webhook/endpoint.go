package webhook

import (
	"net/http"
)

// Kind tells a webhook from a callback.
type Kind string

// Kinds of endpoints.
const (
	// KindWebhook is an OpenAPI 3.1 webhook: sent to a fixed URL, routed to
	// a workflow by its payload (Route).
	KindWebhook Kind = "webhook"
	// KindCallback is an OpenAPI callback: sent to the URL a call passed,
	// which names the workflow and the call (Receiver.CallbackURL).
	KindCallback Kind = "callback"
)

// Endpoint is one webhook or callback operation the receiver accepts.
// Generated Handle<Name> functions make them; options adjust them.
type Endpoint struct {
	Kind Kind
	// Signal is the signal channel the payload is delivered on
	// ("<ServiceName>.<name>"); a callback's channel is Signal + "/" + the
	// call's key (see CallbackSignal). It names the endpoint's path too.
	Signal string
	// Method is the HTTP method the API sends ("POST").
	Method string
	// Status answers an accepted delivery (default 204).
	Status int
	// Payload says how the body is read and delivered (default JSON).
	Payload Payload
	// Validate checks a JSON payload against the spec's schema; nil
	// accepts any JSON document.
	Validate func(body []byte) error
	// DeliveryHeader names the header identifying a delivery (a redelivery
	// repeats it). Empty: the first of Webhook-Id, X-Delivery-Id, ce-id,
	// X-GitHub-Delivery present, else the SHA-256 of the body.
	DeliveryHeader string
	// SignatureHeader carries the hex HMAC-SHA256 of the body, with or
	// without a "sha256=" prefix (default X-Signature); checked only when
	// Secret is set.
	SignatureHeader string
	// Secret is the shared HMAC key; nil skips the signature check.
	Secret []byte
	// Route correlates a webhook's payload to a workflow (webhooks only).
	Route Route
	// MaxBody bounds the payload (default 1 MiB): larger is 413.
	MaxBody int64
}

// Payload is how a delivery's body becomes the signal's value.
type Payload string

// Payloads.
const (
	// PayloadJSON requires a JSON document (400 otherwise), delivered as is.
	PayloadJSON Payload = ""
	// PayloadText delivers any body as a JSON string (text/* media types).
	PayloadText Payload = "text"
	// PayloadBinary delivers any body as base64 (a []byte in Go).
	PayloadBinary Payload = "binary"
	// PayloadNone ignores the body (none is declared): the signal is null.
	PayloadNone Payload = "none"
)

// Route says which workflow a webhook's payload goes to.
type Route struct {
	// Pointer is a JSON pointer (RFC 6901) into the payload to a string or
	// number: with Prefix before it, the id of the workflow ("/chargeId").
	Pointer string
	Prefix  string
	// Start, when set, names the workflow to start (with the payload as its
	// input) when no instance has that id; else the instance must exist.
	Start string
}

// Option adjusts an endpoint.
type Option func(*Endpoint)

// WithSecret checks every delivery's HMAC-SHA256 signature with secret.
func WithSecret(secret []byte) Option { return func(e *Endpoint) { e.Secret = secret } }

// WithSignatureHeader names the header carrying the signature.
func WithSignatureHeader(name string) Option {
	return func(e *Endpoint) { e.SignatureHeader = http.CanonicalHeaderKey(name) }
}

// WithDeliveryHeader names the header identifying a delivery.
func WithDeliveryHeader(name string) Option {
	return func(e *Endpoint) { e.DeliveryHeader = http.CanonicalHeaderKey(name) }
}

// WithMaxBody bounds the payload size in bytes.
func WithMaxBody(n int64) Option { return func(e *Endpoint) { e.MaxBody = n } }

// WithStatus sets the status of an accepted delivery.
func WithStatus(code int) Option { return func(e *Endpoint) { e.Status = code } }

// CallbackSignal is the signal channel of a callback for the call whose key
// is key: the channel a workflow awaits it on.
func CallbackSignal(signal, key string) string { return signal + "/" + key }

// CallbackKeyMeta is the task metadata (workflow.WithMeta) under which a
// call carries the key of its callbacks; without it the task id is the key.
const CallbackKeyMeta = "infgen-callback-key"

// URLs makes callback URLs; *Receiver is one. Generated HTTP clients take
// it (WithCallbacks) to put a callback URL in each call that declares one.
type URLs interface {
	CallbackURL(workflowID, signal, key string) string
}

package ir

// HTTPBinding describes how a method is called over HTTP (OpenAPI).
type HTTPBinding struct {
	// Method is the upper-case HTTP method ("GET", "POST", …).
	Method string
	// Path is the path template relative to the base URL, with {name}
	// placeholders as in the spec ("/pets/{petId}").
	Path string
	// OperationID is the operationId as written, or empty.
	OperationID string
	// Params are the operation's parameters in document order: the path
	// item's, then the operation's (one overriding a path item's takes its
	// place).
	Params []Param
	// Body is the request body, or nil.
	Body *Body
	// Responses are the declared responses sorted by Status ("200" < "2XX" <
	// "default").
	Responses []Response
	// Security lists the alternative requirement sets: any one of them
	// satisfies the operation. Empty means no authentication.
	Security []SecurityRequirement
	// IdempotencyHeader is the header that carries the task id as an
	// idempotency key ("Idempotency-Key"), or empty.
	IdempotencyHeader string
	// Credentials are the parameters that carry a secret (an API key, a
	// token, a password) without being a security scheme, sorted by
	// location then wire name. They are not in Params and so not fields of the input: a task
	// input is stored in workflow history in clear. The HTTP client is
	// configured with their values instead, as with security schemes.
	Credentials []Credential
}

// Credential is a header, query or cookie parameter whose value is a
// secret, sent by the HTTP client from its configuration rather than taken
// from the task input.
type Credential struct {
	// Name is the wire name ("X-Api-Key").
	Name string
	In   ParamLocation
	Doc  string
	// Required credentials must be configured: without one the request is
	// not sent.
	Required bool
	// Scheme is the apiKey security scheme declaring the same parameter
	// (SecurityScheme.Name), whose credentials are sent; empty for a
	// parameter that is only named like a credential.
	Scheme string
	// GoName names the client's option (With<GoName>) when Scheme is empty,
	// else it is the scheme's GoName. Every operation declaring the same
	// parameter shares it.
	GoName string
}

// ParamLocation is where a parameter travels.
type ParamLocation string

// Parameter locations, in the order Credentials are sorted.
const (
	InPath   ParamLocation = "path"
	InQuery  ParamLocation = "query"
	InHeader ParamLocation = "header"
	InCookie ParamLocation = "cookie"
)

// Order returns the sort rank of the location.
func (l ParamLocation) Order() int {
	switch l {
	case InPath:
		return 0
	case InQuery:
		return 1
	case InHeader:
		return 2
	}
	return 3
}

// Param is one operation parameter.
type Param struct {
	// Name is the wire name ("petId", "X-Request-ID").
	Name string
	// GoName is the field name in the method's input struct, unique among
	// the input's fields.
	GoName string
	In     ParamLocation
	Doc    string
	// Required parameters are plain values; optional ones are pointers
	// (slices and maps stay as they are).
	Required bool
	// Style is the serialization style (form, simple, label, matrix,
	// deepObject, spaceDelimited, pipeDelimited); always set.
	Style   string
	Explode bool
	// Type is the parameter's Go type.
	Type TypeRef
	// ContentType is set when the parameter is declared with content
	// instead of a schema (the value is then JSON-encoded).
	ContentType string
	Deprecated  bool
}

// Body is a request body.
type Body struct {
	// GoName is the field name in the input struct ("Body").
	GoName   string
	Doc      string
	Required bool
	// Contents are the accepted media types in document order; the first
	// supported one is sent.
	Contents []Content
}

// Content is one media type of a body.
type Content struct {
	// MediaType is the media type ("application/json").
	MediaType string
	// Type is the Go type of the payload.
	Type TypeRef
}

// Response is one declared response.
type Response struct {
	// Status is "200", "2XX" or "default".
	Status string
	Doc    string
	// Contents are the response bodies in document order.
	Contents []Content
	// Headers are the declared headers of a success response, in document
	// order; GoName is the output field, shared by every response of
	// the method that declares the same header.
	Headers []Param
	// Error is true for responses decoded into a typed error (4xx, 5xx and
	// default on operations that declare a 2xx response).
	Error bool
	// ErrorType is the Go type of the typed error (a struct wrapping the
	// decoded body), set when Error is true.
	ErrorType string
}

// SecurityRequirement is one alternative set of schemes that must all be
// applied.
type SecurityRequirement struct {
	// Schemes are sorted by Name.
	Schemes []SecurityUse
}

// SecurityUse references a SecurityScheme with the scopes it needs.
type SecurityUse struct {
	// Name is the scheme's name in the spec (SecurityScheme.Name).
	Name   string
	Scopes []string
}

// SecuritySchemeKind classifies security schemes.
type SecuritySchemeKind string

// Security scheme kinds.
const (
	SecurityAPIKey SecuritySchemeKind = "apiKey"
	SecurityBearer SecuritySchemeKind = "bearer"
	SecurityBasic  SecuritySchemeKind = "basic"
	SecurityOAuth2 SecuritySchemeKind = "oauth2"
	// SecurityOpenIDConnect is sent like OAuth2: a bearer token from a token source.
	SecurityOpenIDConnect SecuritySchemeKind = "openIdConnect"
	// SecurityUnsupported schemes (mutualTLS, unknown HTTP schemes) are
	// left to the *http.Client the user passes.
	SecurityUnsupported SecuritySchemeKind = "unsupported"
)

// SecurityScheme is a declared security scheme.
type SecurityScheme struct {
	// Name is the scheme's key under components.securitySchemes.
	Name string
	// GoName is the Go identifier derived from Name (option names are built
	// from it: With<GoName>…).
	GoName string
	Kind   SecuritySchemeKind
	Doc    string
	// In and ParamName locate an API key ("header", "X-API-Key").
	In        ParamLocation
	ParamName string
	// Scheme is the raw HTTP auth scheme for Kind bearer/basic/unsupported.
	Scheme string
	// TokenURL and Scopes describe OAuth2 flows (documentation only).
	TokenURL string
	Scopes   []string
}

package httpapi

import (
	"net/http"
	"reflect"
	"strings"
	"sync"

	"github.com/infgen/infgen/runtime/service"
)

// Operation describes one API operation to [Call]: where each field of the
// operation's input travels, how its body is encoded, and which field of
// the output or of the operation's error each declared response fills.
//
// A generated client declares one Operation per operation as a package
// variable of constants, so that the compiler emits it as data: the
// request and response plumbing is [Call]'s, written once, rather than a
// method body per operation (GitHub's 1,223 operations compile in about
// 180 MB less memory this way).
type Operation struct {
	// Name is the operation's method name, used in errors and spans.
	Name string
	// Method is the HTTP method; Path the path template, with {name} for
	// path parameters.
	Method, Path string
	// Params lists the input's parameters in the spec's order.
	Params []Param
	// Credentials lists the credential parameters, whose values come from
	// the client's configuration rather than the input.
	Credentials []Credential
	// Body is the input's request body, or nil.
	Body *Body
	// Accept lists the media types of the declared responses.
	Accept string
	// IdempotencyHeader, when set, carries the task's idempotency key.
	IdempotencyHeader string
	// Security lists the alternatives of security schemes (each a list of
	// scheme names), in the spec's order; nil for none.
	Security [][]string
	// Responses lists the declared responses in the spec's order.
	Responses []Response
	// Headers lists the response headers copied into the output.
	Headers []Header
	// Error is a nil pointer of the operation's error type, for example
	// (*GetInvoiceError)(nil): a declared error response is a new value of
	// it, with fields StatusCode, Header, Message and its body fields.
	Error error

	once sync.Once
	plan *plan
}

// Location is where a parameter travels.
type Location string

// The OpenAPI parameter locations.
const (
	InPath   Location = "path"
	InQuery  Location = "query"
	InHeader Location = "header"
	InCookie Location = "cookie"
)

// Param is one parameter of an operation's input.
type Param struct {
	// Name is the parameter's name in the request; Field the input's field.
	Name, Field string
	In          Location
	Style       Style
	Explode     bool
	// JSON sends the value as its JSON encoding (a parameter declared with
	// content rather than a schema).
	JSON bool
	// NotEmpty refuses an empty value: an empty path segment would address
	// another resource (DELETE /invoices/ instead of /invoices/{id}).
	NotEmpty bool
}

// Credential is a credential parameter of an operation.
type Credential struct {
	// Name is the parameter's name in the request.
	Name string
	In   Location
	// Key names the value to [Client.Credential].
	Key string
	// Required refuses the call while the credential is not configured;
	// Option names the client option that configures it.
	Required bool
	Option   string
}

// Encoding is how a request body or a response body is encoded.
type Encoding int

// The encodings of bodies.
const (
	// EncodeJSON is JSON.
	EncodeJSON Encoding = iota
	// EncodeForm is application/x-www-form-urlencoded (request bodies).
	EncodeForm
	// EncodeMultipart is multipart/form-data (request bodies).
	EncodeMultipart
	// EncodeText is the value's text: a string.
	EncodeText
	// EncodeRaw is the bytes as they are.
	EncodeRaw
)

// Body is an operation's request body.
type Body struct {
	// Field is the input's field; ContentType the header sent with it
	// (multipart bodies send their own, with the boundary).
	Field, ContentType string
	Encoding           Encoding
}

// Response is one declared response of an operation.
type Response struct {
	// Status is "200", a range such as "4XX", or "default".
	Status string
	// Error marks an error response, decoded into a new value of the
	// operation's Error type rather than into the output.
	Error bool
	// Field is the output's (or the error's) field the body is decoded
	// into; "" for a response without a body to decode.
	Field    string
	Encoding Encoding
}

// Header is a response header copied into a field of the output (parsed
// by [ParseHeader]) when the response has it.
type Header struct {
	Name, Field string
}

// Client is what [Call] needs of a generated HTTP client.
type Client struct {
	// BaseURL is prefixed to every path; HTTP sends the requests
	// (http.DefaultClient when nil), with Header added to each.
	BaseURL string
	HTTP    *http.Client
	Header  http.Header
	// Authorize applies the first configured alternative of security
	// schemes to req; nil for an API without security schemes.
	Authorize func(req *http.Request, alternatives [][]string) error
	// Credential is the configured value of the credential parameter
	// keyed key, or ""; nil for an API without credential parameters.
	Credential func(key string) string
	// Undeclared is the error of a response of operation op whose status
	// the operation does not declare (a generated package's *APIError);
	// nil gives an error with the status and the start of the body.
	Undeclared func(op string, resp *http.Response, data []byte) error
}

// plan is an Operation's fields resolved against the input, output and
// error types: each named field's index.
type plan struct {
	in, out, err reflect.Type
	params       []int  // per Params
	body         int    // Body.Field, -1 without a body
	responses    []int  // per Responses: the field of the output or of the error, -1 for none
	headers      []int  // per Headers
	outFields    [2]int // StatusCode, Header
	errFields    [3]int // StatusCode, Header, Message
	fault        error  // a field the types lack: the package needs regenerating
}

// resolve is op's plan for input type in and output type out, made once.
func (op *Operation) resolve(in, out reflect.Type) *plan {
	op.once.Do(func() { op.plan = op.newPlan(in, out) })
	if op.plan.in != in || op.plan.out != out {
		return op.newPlan(in, out) // not a generated client's call: not kept
	}
	return op.plan
}

// newPlan resolves op's fields in the input type in, the output type out
// and op.Error's type.
func (op *Operation) newPlan(in, out reflect.Type) *plan {
	p := &plan{in: in, out: out, body: -1}
	var missing []string
	field := func(t reflect.Type, name string) int {
		if t == nil {
			missing = append(missing, "an error type for "+name)
			return -1
		}
		f, ok := t.FieldByName(name)
		if !ok || len(f.Index) != 1 {
			missing = append(missing, t.String()+"."+name)
			return -1
		}
		return f.Index[0]
	}
	if op.Error != nil {
		if t := reflect.TypeOf(op.Error); t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct {
			p.err = t.Elem()
		}
	}
	for _, pr := range op.Params {
		p.params = append(p.params, field(in, pr.Field))
	}
	if op.Body != nil {
		p.body = field(in, op.Body.Field)
	}
	hasError := false
	for _, r := range op.Responses {
		t := out
		if r.Error {
			t, hasError = p.err, true
		}
		i := -1
		if r.Field != "" {
			i = field(t, r.Field)
		}
		p.responses = append(p.responses, i)
	}
	for _, h := range op.Headers {
		p.headers = append(p.headers, field(out, h.Field))
	}
	for i, name := range []string{"StatusCode", "Header"} {
		p.outFields[i] = field(out, name)
	}
	if hasError {
		for i, name := range []string{"StatusCode", "Header", "Message"} {
			p.errFields[i] = field(p.err, name)
		}
	}
	if missing != nil {
		p.fault = service.Permanentf("%s: the generated client does not match infgen's runtime: no field %s; regenerate the package with this version of infgen",
			op.Name, strings.Join(missing, ", "))
	}
	return p
}

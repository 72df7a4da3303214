package contract

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/infgen/infgen/ir"
)

// OpenAPIPayloads validates the recorded payloads of the tasks of an
// OpenAPI service against the new version of its document, with
// kin-openapi's schema validation:
//
//   - the input (the generated Input struct as JSON: parameters under their
//     wire names, the request body under "body") against the operation's
//     parameters and request body: a parameter or body that became
//     required and is absent, a value its new schema rejects;
//   - a recorded answer (statusCode, body) against the response the
//     operation now declares for its status: a status no longer declared,
//     a body the new schema rejects (such as a property that became
//     required and is absent);
//   - a task whose operation the new version no longer has.
func OpenAPIPayloads(ctx context.Context, oldPath, newPath string) (*Payloads, error) {
	_, oldSpec, err := loadOpenAPI(ctx, oldPath)
	if err != nil {
		return nil, err
	}
	rev, newSpec, err := loadOpenAPI(ctx, newPath)
	if err != nil {
		return nil, err
	}
	p := &Payloads{known: serviceNames(oldSpec)}
	methods := methodsOf(newSpec)
	p.check = func(t Task) []string {
		m := methods[t.Service+"."+t.Method]
		if m == nil || m.HTTP == nil {
			return []string{fmt.Sprintf("the new document has no operation %s.%s: the task cannot run again, and the workflow code calling it no longer builds", t.Service, t.Method)}
		}
		op := findOperation(rev.Spec, m.HTTP)
		if op == nil {
			return []string{fmt.Sprintf("the new document has no operation %s %s", m.HTTP.Method, m.HTTP.Path)}
		}
		where := m.HTTP.Method + " " + m.HTTP.Path
		probs := checkHTTPInput(where, m.HTTP, op, t.Input)
		if t.Answered {
			probs = append(probs, checkHTTPOutput(where, op, t.Output)...)
		}
		return probs
	}
	return p, nil
}

func serviceNames(spec *ir.Spec) map[string]bool {
	out := map[string]bool{}
	for _, s := range spec.Services {
		out[s.FullName] = true
	}
	return out
}

func methodsOf(spec *ir.Spec) map[string]*ir.Method {
	out := map[string]*ir.Method{}
	for _, s := range spec.Services {
		for i := range s.Methods {
			out[s.FullName+"."+s.Methods[i].Name] = &s.Methods[i]
		}
	}
	return out
}

func findOperation(doc *openapi3.T, b *ir.HTTPBinding) *openapi3.Operation {
	if doc.Paths == nil {
		return nil
	}
	item := doc.Paths.Value(b.Path)
	if item == nil {
		return nil
	}
	return item.GetOperation(b.Method)
}

// checkHTTPInput validates a recorded input against the operation's
// parameters and request body.
func checkHTTPInput(where string, b *ir.HTTPBinding, op *openapi3.Operation, input []byte) []string {
	fields := map[string]json.RawMessage{}
	if len(input) > 0 && string(input) != "null" {
		if err := json.Unmarshal(input, &fields); err != nil {
			return []string{fmt.Sprintf("the recorded input of %s is not a JSON object: %v", where, err)}
		}
	}
	var probs []string
	for _, p := range b.Params {
		raw, ok := fields[p.Name]
		if !ok {
			raw, ok = fields[p.GoName]
		}
		if !ok || string(raw) == "null" {
			if p.Required {
				probs = append(probs, fmt.Sprintf("the %s parameter %q of %s is required and absent from the recorded input", p.In, p.Name, where))
			}
			continue
		}
		param := op.Parameters.GetByInAndName(string(p.In), p.Name)
		if param == nil || param.Schema == nil || param.Schema.Value == nil {
			continue
		}
		if err := visit(param.Schema.Value, raw, openapi3.VisitAsRequest()); err != nil {
			probs = append(probs, fmt.Sprintf("the recorded %s parameter %q of %s does not fit its new schema: %v", p.In, p.Name, where, err))
		}
	}
	body, hasBody := fields["body"]
	hasBody = hasBody && string(body) != "null"
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return probs
	}
	rb := op.RequestBody.Value
	if !hasBody {
		if rb.Required {
			probs = append(probs, fmt.Sprintf("the request body of %s is required and absent from the recorded input", where))
		}
		return probs
	}
	if s := jsonSchema(rb.Content); s != nil {
		if err := visit(s, body, openapi3.VisitAsRequest()); err != nil {
			probs = append(probs, fmt.Sprintf("the recorded request body of %s does not fit its new schema: %v", where, err))
		}
	}
	return probs
}

// checkHTTPOutput validates a recorded answer against the response the
// operation declares for its status. The generated Output holds the
// status under "statusCode" and the body under "body", or under
// "body<Status>" when the responses have different body types.
func checkHTTPOutput(where string, op *openapi3.Operation, output []byte) []string {
	var fields map[string]json.RawMessage
	var status int
	if json.Unmarshal(output, &fields) != nil || json.Unmarshal(fields["statusCode"], &status) != nil || status == 0 {
		return nil // not an answer of a generated HTTP client
	}
	if op.Responses == nil {
		return nil
	}
	ref := op.Responses.Status(status)
	if ref == nil || ref.Value == nil {
		// A default response is the generated client's error: a recorded
		// success would now be one.
		return []string{fmt.Sprintf("the recorded answer of %s has status %d, which the new document no longer declares", where, status)}
	}
	s := jsonSchema(ref.Value.Content)
	body := recordedBody(fields)
	if s == nil || body == nil {
		return nil
	}
	if err := visit(s, body, openapi3.VisitAsResponse()); err != nil {
		return []string{fmt.Sprintf("the recorded %d response body of %s does not fit its new schema: %v", status, where, err)}
	}
	return nil
}

// recordedBody is the body of a recorded Output: "body", else the one
// non-null "body<Status>" field.
func recordedBody(fields map[string]json.RawMessage) json.RawMessage {
	if b := fields["body"]; len(b) > 0 && string(b) != "null" {
		return b
	}
	for k, b := range fields {
		if strings.HasPrefix(k, "body") && len(b) > 0 && string(b) != "null" {
			return b
		}
	}
	return nil
}

// jsonSchema is the schema of the first JSON media type of a content map.
func jsonSchema(content openapi3.Content) *openapi3.Schema {
	for _, mt := range []string{"application/json", "application/problem+json"} {
		if m := content.Get(mt); m != nil && m.Schema != nil {
			return m.Schema.Value
		}
	}
	for name, m := range content {
		if strings.HasSuffix(name, "+json") && m.Schema != nil {
			return m.Schema.Value
		}
	}
	return nil
}

// visit validates a JSON value against a schema, every problem reported.
func visit(s *openapi3.Schema, raw json.RawMessage, opts ...openapi3.SchemaValidationOption) error {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	opts = append(opts, openapi3.MultiErrors())
	err := s.VisitJSON(v, opts...)
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s", oneLine(err))
}

// oneLine joins the lines of kin-openapi's (multi-line) errors.
func oneLine(err error) string {
	var me openapi3.MultiError
	if errors.As(err, &me) {
		parts := make([]string, 0, len(me))
		for _, e := range me {
			parts = append(parts, oneLine(e))
		}
		return strings.Join(parts, "; ")
	}
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		msg := se.Reason
		if p := se.JSONPointer(); len(p) > 0 {
			msg = "at /" + strings.Join(p, "/") + ": " + msg
		}
		return msg
	}
	return strings.Join(strings.Fields(err.Error()), " ")
}

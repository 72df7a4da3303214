package contract

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/infgen/infgen/ir"
)

// The event contracts of an OpenAPI document: each operation's task
// publishes <service>.<method>.completed, whose data is the operation's
// success response (the generated …Output: status, headers, body), and
// <service>.<method>.failed, whose data is the recorded error (holding the
// typed error of a declared error response, its body included). See
// "Event contracts" in docs/check.md.

// removedOperationRules are oasdiff's rules reporting an operation that is
// gone, deprecated first or not: its task publishes nothing any more.
var removedOperationRules = map[string]bool{
	"api-removed-without-deprecation":      true,
	"api-removed-with-deprecation":         true,
	"api-removed-before-sunset":            true,
	"api-path-removed-without-deprecation": true,
	"api-path-removed-with-deprecation":    true,
	"api-path-removed-before-sunset":       true,
}

// subscriberBreakingRules are the response rules whose change breaks a
// subscriber that decodes the event's data with the old schema: something
// it may read is gone, has another type, or may now be absent. oasdiff
// rates the first four below error (a caller reading the response is told
// by the new spec; a subscriber holding the old types is not): a finding
// of theirs that touches an event is raised to a warning.
var subscriberBreakingRules = map[string]bool{
	"response-optional-property-removed":                  true,
	"response-required-property-removed-with-deprecation": true,
	"response-optional-property-became-write-only":        true,
	"optional-response-header-removed":                    true,
	// Errors already.
	"response-required-property-removed":               true,
	"response-required-property-removed-before-sunset": true,
	"response-required-property-became-write-only":     true,
	"response-property-type-changed":                   true,
	"response-body-type-changed":                       true,
	"response-property-became-optional":                true,
	"response-property-became-nullable":                true,
	"response-body-became-nullable":                    true,
	"required-response-header-removed":                 true,
	"response-header-became-optional":                  true,
	"response-header-type-changed":                     true,
	"response-success-status-removed":                  true,
	"response-media-type-removed":                      true,
	"response-body-media-type-schema-removed":          true,
}

// isResponseRule reports a rule about an operation's responses: oasdiff's
// ids of those all contain "response" ("response-…",
// "required-response-header-removed", "optional-response-header-removed"),
// and no other id does.
func isResponseRule(rule string) bool { return strings.Contains(rule, "response") }

// httpMethod is an operation of a spec with the routed service name it
// belongs to.
type httpMethod struct {
	service string
	method  *ir.Method
}

// events returns the event types of the method's outcomes.
func (m httpMethod) events(outcomes ...string) []string {
	out := make([]string, len(outcomes))
	for i, o := range outcomes {
		out[i] = ir.EventType(m.service, m.method.Name, o)
	}
	return out
}

// httpMethods indexes the operations of a spec by operationKey.
func httpMethods(spec *ir.Spec) map[string]httpMethod {
	out := map[string]httpMethod{}
	for _, s := range spec.Services {
		for i := range s.Methods {
			if m := &s.Methods[i]; m.HTTP != nil {
				out[operationKey(m.HTTP.Method, m.HTTP.Path)] = httpMethod{s.FullName, m}
			}
		}
	}
	return out
}

var pathParam = regexp.MustCompile(`\{[^}]*\}`)

// operationKey is "METHOD /path" with the path parameters' names left
// out: oasdiff matches paths by the position of their parameters, so that
// /pets/{id} and /pets/{petId} are one path.
func operationKey(method, path string) string {
	return strings.ToUpper(method) + " " + pathParam.ReplaceAllString(path, "{}")
}

// openAPIEvents names the events the findings of a comparison touch.
type openAPIEvents struct {
	old, new map[string]httpMethod
}

func newOpenAPIEvents(oldSpec, newSpec *ir.Spec) *openAPIEvents {
	return &openAPIEvents{old: httpMethods(oldSpec), new: httpMethods(newSpec)}
}

// annotate sets the Events of an oasdiff finding on the operation method
// path, whose arguments are args, and raises its severity when it breaks
// the events' subscribers.
func (e *openAPIEvents) annotate(f *Finding, method, path string, args []any) {
	key := operationKey(method, path)
	switch {
	case removedOperationRules[f.Rule]:
		m, ok := e.old[key]
		if !ok {
			return
		}
		f.Events = m.events(ir.OutcomeCompleted, ir.OutcomeFailed)
		f.Message += fmt.Sprintf("; its task's events %s are no longer published, and their subscribers get none", strings.Join(f.Events, " and "))
		f.Severity = atLeast(f.Severity, Warning)
	case isResponseRule(f.Rule):
		m, ok := e.old[key]
		if !ok {
			if m, ok = e.new[key]; !ok {
				return
			}
		}
		outcome := ir.OutcomeCompleted
		if e.errorStatus(key, args) {
			outcome = ir.OutcomeFailed
		}
		f.Events = m.events(outcome)
		if subscriberBreakingRules[f.Rule] {
			f.Message += fmt.Sprintf("; event %s carries this response as its data, and its subscribers decode it with the old schema", f.Events[0])
			f.Severity = atLeast(f.Severity, Warning)
		}
	}
}

// errorStatus reports whether the response a finding is about (the status
// among its arguments, as oasdiff passes it: last, after a property's
// name) is a declared error response of the operation in either spec: one
// decoded into the typed error a failed event carries, not into the output
// of a completed one.
func (e *openAPIEvents) errorStatus(key string, args []any) bool {
	for _, a := range slices.Backward(args) {
		status, ok := a.(string)
		if !ok {
			continue
		}
		for _, side := range []map[string]httpMethod{e.old, e.new} {
			m, ok := side[key]
			if !ok {
				continue
			}
			for _, r := range m.method.HTTP.Responses {
				if strings.EqualFold(r.Status, status) {
					return r.Error
				}
			}
		}
	}
	return false
}

// atLeast returns s, or floor when s is less severe.
func atLeast(s, floor Severity) Severity {
	if rank(s) > rank(floor) {
		return floor
	}
	return s
}

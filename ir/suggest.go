package ir

import (
	"slices"
	"strings"
)

// CompensationSuggestion is a likely pair of a method and the method that
// undoes it, found by SuggestCompensations; nothing is applied.
type CompensationSuggestion struct {
	Service string
	// Method does something that Undo reverses.
	Method, Undo Method
	// Args are the likely arguments of Undo (OpenAPI), from the method's
	// response body or path; empty when none can be guessed.
	Args []CompensationArg
	// Why says what the pair was found by.
	Why string
}

// undoVerbs returns the verbs of the methods that undo a method whose
// name starts with verb, most likely first (none: nil).
func undoVerbs(verb string) []string {
	switch verb {
	case "Create":
		return []string{"Delete", "Cancel", "Remove", "Void", "Destroy"}
	case "Add":
		return []string{"Remove", "Delete"}
	case "Insert":
		return []string{"Delete", "Remove"}
	case "Reserve":
		return []string{"Release", "Cancel"}
	case "Book":
		return []string{"Cancel"}
	case "Hold":
		return []string{"Release"}
	case "Open":
		return []string{"Close"}
	case "Start":
		return []string{"Stop", "Cancel"}
	case "Subscribe":
		return []string{"Unsubscribe", "Cancel"}
	case "Enable":
		return []string{"Disable"}
	case "Charge", "Capture":
		return []string{"Refund"}
	case "Authorize":
		return []string{"Void", "Cancel"}
	case "Issue":
		return []string{"Void", "Cancel", "Revoke"}
	case "Grant":
		return []string{"Revoke"}
	case "Request":
		return []string{"Refund", "Cancel"}
	}
	return nil
}

// leadingVerb is the first word of a Go name: its initial capital and the
// lower-case letters after it ("Create" of "CreateOrder").
func leadingVerb(name string) string {
	for i, r := range name {
		if i > 0 && (r < 'a' || r > 'z') {
			return name[:i]
		}
	}
	return name
}

// SuggestCompensations lists likely compensation pairs of the methods that
// declare none: for HTTP, POST /x undone by DELETE /x/{id} (and PUT /x/{id}
// by DELETE /x/{id}); for any method, CreateX undone by DeleteX or CancelX
// and the other verb pairs of undoVerbs (ChargeX by RefundX…). The first
// match of each method is kept, in method order.
func SuggestCompensations(spec *Spec) []CompensationSuggestion {
	var out []CompensationSuggestion
	for _, svc := range spec.Services {
		for _, m := range svc.Methods {
			if m.Compensate != nil {
				continue
			}
			if s, ok := suggestByPath(spec, svc, m); ok {
				out = append(out, s)
			} else if s, ok := suggestByName(spec, svc, m); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

func suggestByPath(spec *Spec, svc Service, m Method) (CompensationSuggestion, bool) {
	b := m.HTTP
	if b == nil || (b.Method != "POST" && b.Method != "PUT") {
		return CompensationSuggestion{}, false
	}
	for _, u := range svc.Methods {
		ub := u.HTTP
		if ub == nil || ub.Method != "DELETE" {
			continue
		}
		switch {
		case b.Method == "POST" && strings.HasPrefix(ub.Path, strings.TrimSuffix(b.Path, "/")+"/{") && strings.Count(ub.Path[len(strings.TrimSuffix(b.Path, "/")):], "/") == 1 && strings.HasSuffix(ub.Path, "}"):
		case b.Method == "PUT" && ub.Path == b.Path:
		default:
			continue
		}
		return CompensationSuggestion{Service: svc.Name, Method: m, Undo: u, Args: guessArgs(spec, m, u),
			Why: b.Method + " " + b.Path + " ↔ DELETE " + ub.Path}, true
	}
	return CompensationSuggestion{}, false
}

func suggestByName(spec *Spec, svc Service, m Method) (CompensationSuggestion, bool) {
	v := leadingVerb(m.Name)
	rest := strings.TrimPrefix(m.Name, v)
	for _, undo := range undoVerbs(v) {
		if rest == "" {
			break
		}
		if u := svc.MethodByName(undo + rest); u != nil {
			return CompensationSuggestion{Service: svc.Name, Method: m, Undo: *u, Args: guessArgs(spec, m, *u),
				Why: m.Name + " ↔ " + u.Name}, true
		}
	}
	return CompensationSuggestion{}, false
}

// guessArgs fills the undoing HTTP method's path parameters: from a path
// parameter of the method of the same name, else from the property of the
// method's response body of that name, or "id" for the last one.
func guessArgs(spec *Spec, m, u Method) []CompensationArg {
	if m.HTTP == nil || u.HTTP == nil {
		return nil
	}
	var args []CompensationArg
	params := u.HTTP.Params
	for i, p := range params {
		if p.In != InPath {
			continue
		}
		text := ""
		if slices.ContainsFunc(m.HTTP.Params, func(q Param) bool { return q.In == InPath && q.Name == p.Name }) {
			text = "$request.path." + p.Name
		} else if _, ok := ResponseBody(m.HTTP); ok {
			for _, prop := range []string{p.Name, "id"} {
				if prop == "id" && i != lastPathParam(params) {
					continue
				}
				if t, err := ExprType(spec, m, Expr{Source: ExprResponseBody, Pointer: []string{prop}}); err == nil && SameValueType(t, p.Type) {
					text = "$response.body#/" + prop
					break
				}
			}
		}
		if text == "" {
			text = "$response.body#/<property>"
		}
		e, _ := ParseExpr(text)
		e.Text = text
		args = append(args, CompensationArg{Param: p.Name, Expr: e})
	}
	return args
}

func lastPathParam(ps []Param) int {
	last := -1
	for i, p := range ps {
		if p.In == InPath {
			last = i
		}
	}
	return last
}

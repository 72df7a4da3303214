package ir

import (
	"fmt"
	"reflect"
	"strings"
)

// Compensation declares the method that undoes a method, so that a saga
// (runtime/workflow.Saga) can undo a completed call without hand-written
// code: x-infgen-compensate on an OpenAPI operation, the
// (infgen.compensate) option on a proto rpc.
type Compensation struct {
	// Method is the Go name of the compensating method, in the same service.
	Method string
	// Args set the compensating method's inputs, in the order declared
	// (sorted by Param).
	Args []CompensationArg
	// Pos is where the declaration is.
	Pos Pos
}

// CompensationArg sets one input of the compensating method from the call
// being compensated.
type CompensationArg struct {
	// Param is the wire name of a parameter of the compensating operation
	// (path, query or header), or "body" for its whole request body.
	Param string
	// Expr is where the value comes from.
	Expr Expr
	// For proto specs, the Go selectors protoc-gen-go made: GoTarget is
	// the field of the compensating request, GoSource the getters reading
	// the value from the call's request or response (nil-safe), GoPointer
	// is set when the target is a pointer to a scalar (proto3 optional),
	// GoString when the value is a string (empty means missing).
	GoTarget  string
	GoSource  []string
	GoPointer bool
	GoString  bool
}

// ExprSource is the part of a call a runtime expression reads.
type ExprSource string

// Sources of runtime expressions ($request.path.name, $response.body#/id…).
const (
	ExprRequestPath   ExprSource = "request.path"
	ExprRequestQuery  ExprSource = "request.query"
	ExprRequestHeader ExprSource = "request.header"
	ExprRequestBody   ExprSource = "request.body"
	ExprResponseBody  ExprSource = "response.body"
)

// Expr is an OpenAPI runtime expression naming a value of a completed
// call: $request.path.name, $request.query.name, $request.header.name,
// $request.body#/json/pointer or $response.body#/json/pointer.
type Expr struct {
	// Text is the expression as written.
	Text   string
	Source ExprSource
	// Name is the parameter of request.path, request.query, request.header.
	Name string
	// Pointer are the unescaped tokens of a body's JSON pointer (empty:
	// the whole body).
	Pointer []string
}

// ParseExpr parses a runtime expression.
func ParseExpr(s string) (Expr, error) {
	e := Expr{Text: s}
	rest, ok := strings.CutPrefix(s, "$")
	if !ok {
		return e, fmt.Errorf("runtime expression %q: want $request.path.<name>, $request.query.<name>, $request.header.<name>, $request.body#/<pointer> or $response.body#/<pointer>", s)
	}
	for _, src := range []ExprSource{ExprRequestPath, ExprRequestQuery, ExprRequestHeader} {
		if name, ok := strings.CutPrefix(rest, string(src)+"."); ok {
			if name == "" {
				return e, fmt.Errorf("runtime expression %q: the parameter name is missing", s)
			}
			e.Source, e.Name = src, name
			return e, nil
		}
	}
	for _, src := range []ExprSource{ExprRequestBody, ExprResponseBody} {
		after, ok := strings.CutPrefix(rest, string(src))
		if !ok {
			continue
		}
		e.Source = src
		if after == "" {
			return e, nil
		}
		ptr, ok := strings.CutPrefix(after, "#")
		if !ok || (ptr != "" && !strings.HasPrefix(ptr, "/")) {
			return e, fmt.Errorf("runtime expression %q: want a JSON pointer after %s, as in $%s#/id", s, src, src)
		}
		if ptr == "" {
			return e, nil
		}
		for _, tok := range strings.Split(ptr[1:], "/") {
			e.Pointer = append(e.Pointer, strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~"))
		}
		return e, nil
	}
	return e, fmt.Errorf("runtime expression %q: unknown source; want $request.path.<name>, $request.query.<name>, $request.header.<name>, $request.body#/<pointer> or $response.body#/<pointer>", s)
}

// FieldPath follows pointer tokens through t's struct fields (named
// structs, and aliases of them) and returns the fields passed, in order.
func (s *Spec) FieldPath(t TypeRef, tokens []string) ([]Field, error) {
	var path []Field
	for i, tok := range tokens {
		st, ok := s.structOf(t)
		if !ok {
			return nil, fmt.Errorf("/%s is not an object with properties", strings.Join(tokens[:i], "/"))
		}
		var found *Field
		for j := range st.Fields {
			if st.Fields[j].JSONName == tok {
				found = &st.Fields[j]
				break
			}
		}
		if found == nil {
			return nil, fmt.Errorf("%s has no property %q", st.Name, tok)
		}
		path = append(path, *found)
		t = found.Type
	}
	return path, nil
}

// structOf returns the struct type t names, through aliases.
func (s *Spec) structOf(t TypeRef) (*Type, bool) {
	for range 16 {
		if t.Kind != KindNamed {
			return nil, false
		}
		nt := s.TypeByName(t.Name)
		switch {
		case nt == nil:
			return nil, false
		case nt.Kind == TypeStruct:
			return nt, true
		case nt.Kind == TypeAlias && nt.Alias != nil:
			t = *nt.Alias
		default:
			return nil, false
		}
	}
	return nil, false
}

// TypeByName returns the named type, or nil.
func (s *Spec) TypeByName(name string) *Type {
	for i := range s.Types {
		if s.Types[i].Name == name {
			return &s.Types[i]
		}
	}
	return nil
}

// MethodByName returns the service's method of that Go name, or nil.
func (s *Service) MethodByName(name string) *Method {
	for i := range s.Methods {
		if s.Methods[i].Name == name {
			return &s.Methods[i]
		}
	}
	return nil
}

// ExprType is the type of the value expr reads from a call of m: a
// parameter, the request body or the success response's body, followed
// through the JSON pointer.
func ExprType(spec *Spec, m Method, expr Expr) (TypeRef, error) {
	b := m.HTTP
	switch expr.Source {
	case ExprRequestPath, ExprRequestQuery, ExprRequestHeader:
		in := ParamLocation(strings.TrimPrefix(string(expr.Source), "request."))
		for _, p := range b.Params {
			if p.In == in && strings.EqualFold(p.Name, expr.Name) && (in == InHeader || p.Name == expr.Name) {
				return p.Type, nil
			}
		}
		return TypeRef{}, fmt.Errorf("%s: %s has no %s parameter %q", expr.Text, m.Name, in, expr.Name)
	case ExprRequestBody:
		if b.Body == nil || len(b.Body.Contents) == 0 {
			return TypeRef{}, fmt.Errorf("%s: %s has no request body", expr.Text, m.Name)
		}
		return pointerType(spec, b.Body.Contents[0].Type, expr)
	}
	body, ok := ResponseBody(b)
	if !ok {
		return TypeRef{}, fmt.Errorf("%s: %s has no success response body, or several of different types", expr.Text, m.Name)
	}
	return pointerType(spec, body, expr)
}

func pointerType(spec *Spec, t TypeRef, expr Expr) (TypeRef, error) {
	path, err := spec.FieldPath(t, expr.Pointer)
	if err != nil {
		return TypeRef{}, fmt.Errorf("%s: %v", expr.Text, err)
	}
	if len(path) > 0 {
		t = path[len(path)-1].Type
	}
	return t, nil
}

// ResponseBody is the type of the body of a method's success responses,
// when they have one and all the same (the output's Body field).
func ResponseBody(b *HTTPBinding) (TypeRef, bool) {
	var body *TypeRef
	for _, r := range b.Responses {
		if r.Error || len(r.Contents) == 0 {
			continue
		}
		t := r.Contents[0].Type
		if body != nil && !reflect.DeepEqual(*body, t) { // as the generator's Body field

			return TypeRef{}, false
		}
		body = &t
	}
	if body == nil {
		return TypeRef{}, false
	}
	return *body, true
}

// SameValueType reports whether a value of type a can be assigned to b, a
// pointer to it being dereferenced as needed.
func SameValueType(a, b TypeRef) bool {
	if a.Kind != b.Kind || a.Name != b.Name {
		return false
	}
	if a.Elem != nil || b.Elem != nil {
		return a.Elem != nil && b.Elem != nil && SameValueType(*a.Elem, *b.Elem)
	}
	return true
}

// DescribeType names a type in messages.
func DescribeType(t TypeRef) string {
	switch t.Kind {
	case KindNamed:
		return t.Name
	case KindArray, KindMap:
		if t.Elem != nil {
			return string(t.Kind) + " of " + DescribeType(*t.Elem)
		}
	}
	return string(t.Kind)
}

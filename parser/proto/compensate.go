package proto

import (
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/compiler/protogen"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/infgen/infgen/ir"
	infgenpb "github.com/infgen/infgen/proto/infgen"
)

// compensateOption reads (infgen.compensate) from an rpc's options, or nil.
// The options are decoded again against the linked extension, whatever
// type the compiler gave them.
func compensateOption(m *protogen.Method) *infgenpb.Compensate {
	opts, _ := m.Desc.Options().(*descriptorpb.MethodOptions)
	if opts == nil {
		return nil
	}
	raw, err := proto.Marshal(opts)
	if err != nil || len(raw) == 0 {
		return nil
	}
	var again descriptorpb.MethodOptions
	if err := (proto.UnmarshalOptions{Resolver: protoregistry.GlobalTypes}).Unmarshal(raw, &again); err != nil {
		return nil
	}
	if !proto.HasExtension(&again, infgenpb.E_Compensate) {
		return nil
	}
	c, _ := proto.GetExtension(&again, infgenpb.E_Compensate).(*infgenpb.Compensate)
	return c
}

// optionPos is where an rpc's (infgen.compensate) is written, else the rpc.
func optionPos(m *protogen.Method) ir.Pos {
	file := m.Desc.ParentFile()
	if loc := file.SourceLocations().ByDescriptor(m.Desc); loc.Path != nil {
		path := append(slices.Clone(loc.Path), 4, int32(infgenpb.E_Compensate.TypeDescriptor().Number()))
		if opt := file.SourceLocations().ByPath(path); opt.Path != nil {
			return ir.Pos{File: file.Path(), Line: opt.StartLine + 1, Col: opt.StartColumn + 1}
		}
	}
	return declPos(m.Desc)
}

// compensation checks an rpc's (infgen.compensate) against its service and
// messages and returns it for the IR: the compensating rpc's Go method
// name, and per argument the Go field of the compensating request and the
// getters reading the value from the call.
func compensation(svc *protogen.Service, names map[string]string, m *protogen.Method, c *infgenpb.Compensate) (*ir.Compensation, error) {
	at := optionPos(m)
	fail := func(format string, args ...any) error {
		return &Error{Pos: at, Err: fmt.Errorf("(infgen.compensate) on %s: "+format, append([]any{m.Desc.Name()}, args...)...)}
	}
	if streamKind(m) != ir.StreamNone {
		return nil, fail("only unary rpcs can be compensated")
	}
	var undo *protogen.Method
	var rpcs []string
	for _, u := range svc.Methods {
		rpcs = append(rpcs, string(u.Desc.Name()))
		if string(u.Desc.Name()) == c.GetMethod() {
			undo = u
		}
	}
	switch {
	case c.GetMethod() == "":
		return nil, fail("method is required: the rpc of %s that undoes it", svc.Desc.Name())
	case undo == nil || names[c.GetMethod()] == "":
		return nil, fail("%s has no unary rpc %q (it has: %s)", svc.Desc.Name(), c.GetMethod(), strings.Join(rpcs, ", "))
	case undo == m:
		return nil, fail("an rpc cannot compensate itself")
	}
	comp := &ir.Compensation{Method: names[c.GetMethod()], Pos: at}
	keys := make([]string, 0, len(c.GetArgs()))
	for k := range c.GetArgs() {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, name := range keys {
		text := c.GetArgs()[name]
		target := fieldByName(undo.Input, name)
		if target == nil {
			return nil, fail("args: %s has no field %q", undo.Input.Desc.FullName(), name)
		}
		if target.Oneof != nil && !target.Desc.HasOptionalKeyword() {
			return nil, fail("args: %s is in a oneof, which a compensation cannot set", name)
		}
		expr, err := ir.ParseExpr(text)
		if err != nil {
			return nil, fail("args.%s: %v", name, err)
		}
		msg := m.Input
		switch expr.Source {
		case ir.ExprRequestBody:
		case ir.ExprResponseBody:
			msg = m.Output
		default:
			return nil, fail("args.%s: %s: a gRPC call has only $request.body#/… and $response.body#/…", name, text)
		}
		getters, source, err := followFields(msg, expr.Pointer)
		if err != nil {
			return nil, fail("args.%s: %s: %v", name, text, err)
		}
		if !sameField(source, target) {
			return nil, fail("args.%s: %s is %s, but %s is %s", name, text, fieldType(source), name, fieldType(target))
		}
		comp.Args = append(comp.Args, ir.CompensationArg{
			Param: name, Expr: expr,
			GoTarget: target.GoName, GoSource: getters,
			GoPointer: target.Desc.HasPresence() && target.Message == nil,
			GoString:  source.Desc.Kind() == protoreflect.StringKind,
		})
	}
	return comp, nil
}

func fieldByName(msg *protogen.Message, name string) *protogen.Field {
	for _, f := range msg.Fields {
		if string(f.Desc.Name()) == name || f.Desc.JSONName() == name {
			return f
		}
	}
	return nil
}

// followFields follows pointer tokens (field names) from msg through
// singular message fields; it returns the getters and the last field.
func followFields(msg *protogen.Message, tokens []string) ([]string, *protogen.Field, error) {
	if len(tokens) == 0 {
		return nil, nil, fmt.Errorf("name a field: the whole message cannot be an argument")
	}
	var getters []string
	var f *protogen.Field
	for i, tok := range tokens {
		if msg == nil {
			return nil, nil, fmt.Errorf("/%s is not a message", strings.Join(tokens[:i], "/"))
		}
		if f = fieldByName(msg, tok); f == nil {
			return nil, nil, fmt.Errorf("%s has no field %q", msg.Desc.FullName(), tok)
		}
		if f.Desc.IsList() || f.Desc.IsMap() {
			return nil, nil, fmt.Errorf("%s is repeated: name a singular field", tok)
		}
		getters = append(getters, "Get"+f.GoName)
		msg = f.Message
	}
	return getters, f, nil
}

func sameField(a, b *protogen.Field) bool {
	if a.Desc.Kind() != b.Desc.Kind() || b.Desc.IsList() || b.Desc.IsMap() {
		return false
	}
	switch {
	case a.Message != nil:
		return b.Message != nil && a.Message.Desc.FullName() == b.Message.Desc.FullName()
	case a.Enum != nil:
		return b.Enum != nil && a.Enum.Desc.FullName() == b.Enum.Desc.FullName()
	}
	return true
}

func fieldType(f *protogen.Field) string {
	switch {
	case f.Desc.IsList():
		return "repeated " + f.Desc.Kind().String()
	case f.Message != nil:
		return string(f.Message.Desc.FullName())
	case f.Enum != nil:
		return string(f.Enum.Desc.FullName())
	}
	return f.Desc.Kind().String()
}

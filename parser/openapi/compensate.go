package openapi

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/infgen/infgen/ir"
)

// CompensateExtension declares, on an operation, the operation that undoes
// it in a saga, with the arguments it takes from the call as OpenAPI
// runtime expressions:
//
//	x-infgen-compensate:
//	  operationId: refundCharge
//	  args: {chargeId: $response.body#/id}
//
// An argument names a path, query or header parameter of the compensating
// operation, or "body" for its request body.
const CompensateExtension = "x-infgen-compensate"

// compensations reads x-infgen-compensate of every operation into the
// service's methods (ops and svc.Methods are in the same order). A
// declaration that names an unknown operation, parameter or property, or
// holds a malformed expression, is an error at its position.
func (c *converter) compensations(ops []*operation, svc *ir.Service) error {
	byID := map[string]int{}
	for i, o := range ops {
		if o.op.OperationID != "" {
			byID[o.op.OperationID] = i
		}
	}
	for i, o := range ops {
		v, ok := o.op.Extensions[CompensateExtension]
		if !ok {
			continue
		}
		node := c.extensionNode(o)
		at := c.nodePos(node, o.pos)
		decl, isObj := v.(map[string]any)
		if !isObj {
			return &Error{Pos: at, Msg: CompensateExtension + ": want an object {operationId: <id>, args: {<parameter>: <runtime expression>}}"}
		}
		for _, key := range sortedKeys(decl) {
			if key != "operationId" && key != "args" {
				return &Error{Pos: c.nodePos(mapValue(node, key), at), Msg: fmt.Sprintf("%s: unknown field %q; want operationId and args", CompensateExtension, key)}
			}
		}
		id, _ := decl["operationId"].(string)
		j, known := byID[id]
		idAt := c.nodePos(mapValue(node, "operationId"), at)
		switch {
		case id == "":
			return &Error{Pos: at, Msg: CompensateExtension + ": operationId is required: the operationId of the operation that undoes " + o.op.OperationID}
		case !known:
			return &Error{Pos: idAt, Msg: fmt.Sprintf("%s: unknown operationId %q%s", CompensateExtension, id, closest(id, byID))}
		case j == i:
			return &Error{Pos: idAt, Msg: fmt.Sprintf("%s: operation %q cannot compensate itself", CompensateExtension, id)}
		}
		for _, name := range []string{ir.CompensatedName(svc.Methods[i].Name), ir.CompensationName(svc.Methods[i].Name)} {
			if svc.MethodByName(name) != nil {
				return &Error{Pos: at, Msg: fmt.Sprintf("%s: the stub method %s, generated for the compensation, is taken by another operation; rename that operationId", CompensateExtension, name)}
			}
		}
		comp := &ir.Compensation{Method: svc.Methods[j].Name, Pos: at}
		args, _ := decl["args"].(map[string]any)
		if decl["args"] != nil && args == nil {
			return &Error{Pos: c.nodePos(mapValue(node, "args"), at), Msg: CompensateExtension + ".args: want an object of <parameter>: <runtime expression>"}
		}
		argsNode := mapValue(node, "args")
		for _, name := range sortedKeys(args) {
			argAt := c.nodePos(mapValue(argsNode, name), at)
			arg, err := c.compensationArg(svc.Methods[i], svc.Methods[j], name, args[name])
			if err != nil {
				return &Error{Pos: argAt, Msg: fmt.Sprintf("%s.args.%s: %v", CompensateExtension, name, err)}
			}
			comp.Args = append(comp.Args, arg)
		}
		for _, p := range svc.Methods[j].HTTP.Params {
			if p.In == ir.InPath && !slices.ContainsFunc(comp.Args, func(a ir.CompensationArg) bool { return a.Param == p.Name }) {
				return &Error{Pos: at, Msg: fmt.Sprintf("%s: args has no value for %q, a path parameter of %s; add %s: $response.body#/<property> or another runtime expression", CompensateExtension, p.Name, id, p.Name)}
			}
		}
		svc.Methods[i].Compensate = comp
	}
	return nil
}

// compensationArg checks one argument: the target is a parameter (or the
// body) of the compensating method, the expression reads a value of the
// compensated call of the same type.
func (c *converter) compensationArg(from, to ir.Method, name string, v any) (ir.CompensationArg, error) {
	text, ok := v.(string)
	if !ok {
		return ir.CompensationArg{}, fmt.Errorf("want a runtime expression string such as $response.body#/id, got %v", v)
	}
	expr, err := ir.ParseExpr(text)
	if err != nil {
		return ir.CompensationArg{}, err
	}
	arg := ir.CompensationArg{Param: name, Expr: expr}
	target, err := compensationTarget(to, name)
	if err != nil {
		return arg, err
	}
	source, err := ir.ExprType(c.spec, from, expr)
	if err != nil {
		return arg, err
	}
	if !ir.SameValueType(source, target) {
		return arg, fmt.Errorf("%s is %s, but %s of %s is %s", text, ir.DescribeType(source), name, to.Name, ir.DescribeType(target))
	}
	return arg, nil
}

// compensationTarget is the type of a compensating method's parameter, or
// of its body for "body".
func compensationTarget(to ir.Method, name string) (ir.TypeRef, error) {
	b := to.HTTP
	if name == "body" && b.Body != nil && len(b.Body.Contents) > 0 {
		return b.Body.Contents[0].Type, nil
	}
	var names []string
	for _, p := range b.Params {
		if p.Name == name {
			return p.Type, nil
		}
		names = append(names, p.Name)
	}
	if b.Body != nil {
		names = append(names, "body")
	}
	return ir.TypeRef{}, fmt.Errorf("%s has no parameter %q (it has: %s)", to.Name, name, strings.Join(names, ", "))
}

// extensionNode is the YAML node of an operation's x-infgen-compensate, or
// nil when the operation is not in the root file.
func (c *converter) extensionNode(o *operation) *yaml.Node {
	if c.files.parse(c.root) != nil {
		return nil
	}
	root := c.root.root
	if root != nil && root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	op := mapValue(mapValue(mapValue(root, "paths"), o.path), strings.ToLower(o.method))
	return mapValue(op, CompensateExtension)
}

// nodePos is n's position in the root file, or def.
func (c *converter) nodePos(n *yaml.Node, def ir.Pos) ir.Pos {
	if n == nil || n.Line == 0 {
		return def
	}
	return nodePos(c.root.name, n)
}

// closest suggests the known operationId nearest to id.
func closest[V any](id string, known map[string]V) string {
	best, bestScore := "", 0
	for _, k := range sortedKeys(known) {
		if s := commonPrefix(strings.ToLower(k), strings.ToLower(id)); s > bestScore {
			best, bestScore = k, s
		}
	}
	if bestScore < 3 {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

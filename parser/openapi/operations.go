package openapi

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/infgen/infgen/ir"
)

// IdempotencyExtension names, on an operation (or the document, for all
// operations), the request header that carries the task id as an
// idempotency key.
const IdempotencyExtension = "x-infgen-idempotency-key"

// httpMethods is the order operations of one path are visited in.
var httpMethods = []string{"GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE", "QUERY"}

// operation is an operation with its path item and chosen Go name.
type operation struct {
	method string
	path   string
	item   *openapi3.PathItem
	op     *openapi3.Operation
	pos    ir.Pos
	name   string
}

// collectOperations lists the operations in document order and names
// every method. Names are handed out, and duplicate operationIds found, in
// path then method order, so that a method keeps its name whatever the
// order of the document. A duplicate operationId is an error, or a warning
// with AllowDuplicateOperationIDs.
func (c *converter) collectOperations() ([]*operation, error) {
	var ops []*operation
	if c.doc.Paths == nil {
		return nil, nil
	}
	paths := c.doc.Paths.Map()
	seen := map[string]*operation{}
	type duplicate struct {
		op, first *operation
		at        ir.Pos
	}
	var dups []duplicate
	for _, p := range sortedKeys(paths) {
		item := paths[p]
		if item == nil {
			continue
		}
		byMethod := item.Operations()
		for _, m := range httpMethods {
			op := byMethod[m]
			if op == nil {
				continue
			}
			o := &operation{method: m, path: p, item: item, op: op, pos: c.pos(op.Origin, c.rootPos())}
			if id := op.OperationID; id != "" {
				if prev, dup := seen[id]; dup {
					at := o.pos
					if op.Origin != nil {
						if loc, ok := op.Origin.Fields.Lookup("operationId"); ok && loc.Line > 0 {
							at = ir.Pos{File: c.fileName(loc.File), Line: loc.Line, Col: loc.Column}
						}
					}
					if !c.opts.duplicatedIDs {
						return nil, &Error{Pos: at, Msg: fmt.Sprintf("duplicate operationId %q (first used by %s %s at %s): operationIds must be unique; "+
							"rename one, or pass --allow-duplicate-operation-ids to number the later one", id, prev.method, prev.path, prev.pos)}
					}
					dups = append(dups, duplicate{op: o, first: prev, at: at})
				} else {
					seen[id] = o
				}
			}
			ops = append(ops, o)
		}
	}
	methods := ir.NewScope()
	c.methods = methods
	for _, o := range ops {
		base := o.op.OperationID
		if base == "" {
			base = strings.ToLower(o.method) + " " + o.path
		}
		o.name = c.methodName(methods, ir.GoName(base))
	}
	// Allowed repeats: the later operation got a numbered name.
	for _, d := range dups {
		c.warn(d.at, fmt.Sprintf("duplicate operationId %q (first used by %s %s at %s): this operation is generated as %s", d.op.op.OperationID, d.first.method, d.first.path, d.first.pos, d.op.name))
	}
	slices.SortStableFunc(ops, func(a, b *operation) int { return c.compareDocPos(a.pos, b.pos) })
	return ops, nil
}

// methodName allocates a method name whose derived names (DispatchM in the
// stub, MInput/MOutput/MError in the package) are all free.
func (c *converter) methodName(methods *ir.Scope, base string) string {
	for i := 1; ; i++ {
		cand := base
		if i > 1 {
			cand = fmt.Sprintf("%s%d", base, i)
		}
		derived := []string{ir.InputName(cand), ir.OutputName(cand), ir.ErrorName(cand)}
		if methods.Has(cand) || methods.Has(ir.DispatchName(cand)) || anyTaken(c.pkg, derived) {
			continue
		}
		methods.Reserve(cand, ir.DispatchName(cand))
		c.pkg.Reserve(derived...)
		return cand
	}
}

func anyTaken(s *ir.Scope, names []string) bool {
	for _, n := range names {
		if s.Has(n) {
			return true
		}
	}
	return false
}

// method converts one operation.
func (c *converter) method(o *operation) ir.Method {
	op := o.op
	m := ir.Method{
		Name:       o.name,
		Doc:        joinDoc(op.Summary, op.Description),
		Deprecated: op.Deprecated,
		Pos:        o.pos,
		Input:      ir.GoIdent{Name: ir.InputName(o.name)},
		Output:     ir.GoIdent{Name: ir.OutputName(o.name)},
	}
	b := &ir.HTTPBinding{Method: o.method, Path: o.path, OperationID: op.OperationID}
	b.IdempotencyHeader = c.idempotencyHeader(op)
	fields := ir.NewScope("Body")
	b.Params, b.Credentials = c.params(o, fields, &b.IdempotencyHeader)
	b.Body = c.body(o)
	b.Responses = c.responses(o)
	b.Security = c.security(o)
	m.HTTP = b
	c.taskOptions(o, &m)
	return m
}

func joinDoc(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	// A one-line summary without final punctuation, followed by more text,
	// would read as a heading to gofmt: end it as a sentence.
	for i := 0; i < len(out)-1; i++ {
		if !strings.Contains(out[i], "\n") && !strings.ContainsAny(out[i][len(out[i])-1:], ".!?:") {
			out[i] += "."
		}
	}
	return strings.Join(out, "\n\n")
}

// idempotencyHeader reads the x-infgen-idempotency-key extension.
func (c *converter) idempotencyHeader(op *openapi3.Operation) string {
	for _, ext := range []map[string]any{op.Extensions, c.doc.Extensions} {
		if v, ok := ext[IdempotencyExtension].(string); ok && v != "" {
			return v
		}
	}
	return ""
}

// params merges path-item and operation parameters (the operation's win)
// and converts them. A header named Idempotency-Key is not an input field:
// it carries the task id; nor are credentials (see credentialOf), which are
// returned apart.
func (c *converter) params(o *operation, fields *ir.Scope, idem *string) ([]ir.Param, []ir.Credential) {
	var list []*openapi3.Parameter
	add := func(ps openapi3.Parameters) {
		for _, pr := range ps {
			if pr == nil || pr.Value == nil {
				continue
			}
			p := pr.Value
			i := slices.IndexFunc(list, func(q *openapi3.Parameter) bool { return q.Name == p.Name && q.In == p.In })
			if i >= 0 {
				list[i] = p
				continue
			}
			list = append(list, p)
		}
	}
	add(o.item.Parameters)
	add(o.op.Parameters)
	// Input fields keep the document's order (path-item parameters, then
	// the operation's); names are handed out by location then wire name,
	// so that a field keeps its name whatever that order.
	docOrder := slices.Clone(list)
	slices.SortStableFunc(list, func(a, b *openapi3.Parameter) int {
		return cmp.Or(cmp.Compare(ir.ParamLocation(a.In).Order(), ir.ParamLocation(b.In).Order()), cmp.Compare(a.Name, b.Name))
	})
	var out []ir.Param
	var creds []ir.Credential
	for _, p := range list {
		in := ir.ParamLocation(p.In)
		at := c.pos(p.Origin, o.pos)
		switch in {
		case ir.InPath, ir.InQuery, ir.InHeader, ir.InCookie:
		default:
			c.warn(at, fmt.Sprintf("parameter %q has unknown location %q; skipped", p.Name, p.In))
			continue
		}
		if in == ir.InHeader && (strings.EqualFold(p.Name, "Idempotency-Key") || strings.EqualFold(p.Name, *idem)) {
			*idem = p.Name
			continue
		}
		if in == ir.InHeader && (strings.EqualFold(p.Name, "Content-Type") || strings.EqualFold(p.Name, "Accept") || strings.EqualFold(p.Name, "Authorization")) {
			continue
		}
		if cred, why := c.credentialOf(p, in, at); why != "" {
			creds = append(creds, c.credential(cred, why, at))
			continue
		}
		goName := ir.GoName(p.Name)
		if fields.Has(goName) {
			goName = ir.GoName(p.In + " " + p.Name)
		}
		ip := ir.Param{
			Name:       p.Name,
			GoName:     fields.Unique(goName),
			In:         in,
			Doc:        p.Description,
			Required:   p.Required || in == ir.InPath,
			Deprecated: p.Deprecated,
		}
		ip.Style, ip.Explode = paramStyle(p)
		hint := o.name + ip.GoName
		if p.Schema != nil {
			ip.Type = c.typeOf(p.Schema, hint, at)
		} else if mt, media := firstContent(p.Content); media != nil {
			ip.ContentType = mt
			ip.Type = c.typeOf(media.Schema, hint, at)
		} else {
			ip.Type = ir.TypeRef{Kind: ir.KindString}
		}
		out = append(out, ip)
	}
	index := func(p ir.Param) int {
		return slices.IndexFunc(docOrder, func(q *openapi3.Parameter) bool { return q.Name == p.Name && ir.ParamLocation(q.In) == p.In })
	}
	slices.SortStableFunc(out, func(a, b ir.Param) int { return cmp.Compare(index(a), index(b)) })
	return out, creds
}

// paramStyle returns the style and explode flag with the spec's defaults.
func paramStyle(p *openapi3.Parameter) (string, bool) {
	style := p.Style
	if style == "" {
		switch p.In {
		case "query", "cookie":
			style = "form"
		default:
			style = "simple"
		}
	}
	explode := style == "form"
	if p.Explode != nil {
		explode = *p.Explode
	}
	return style, explode
}

// mediaRank orders media types by how the generated client prefers them.
func mediaRank(mt string) int {
	mt = strings.ToLower(mt)
	switch {
	case mt == "application/json":
		return 0
	case strings.Contains(mt, "json"):
		return 1
	case mt == "application/x-www-form-urlencoded":
		return 2
	case mt == "multipart/form-data":
		return 3
	case strings.HasPrefix(mt, "text/"):
		return 4
	}
	return 5
}

// sortedContent lists media types by preference.
func sortedContent(content openapi3.Content) []string {
	keys := sortedKeys(content)
	slices.SortStableFunc(keys, func(a, b string) int { return cmp.Compare(mediaRank(a), mediaRank(b)) })
	return keys
}

func firstContent(content openapi3.Content) (string, *openapi3.MediaType) {
	keys := sortedContent(content)
	if len(keys) == 0 {
		return "", nil
	}
	return keys[0], content[keys[0]]
}

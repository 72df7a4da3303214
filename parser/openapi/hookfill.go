package openapi

import (
	"fmt"
	"strings"

	"github.com/infgen/infgen/ir"
)

// fill locates the input value a callback's URL expression reads, so that
// the generated client can put the receiver's URL there: a string property
// of the body ({$request.body#/callbackUrl}) or a string query or header
// parameter ({$request.query.cb}). Anything else gets a warning.
func (c *converter) fill(m *ir.Method, h *ir.Hook) *ir.HookFill {
	expr := h.Expression
	inner, ok := strings.CutPrefix(expr, "{")
	if ok {
		inner, ok = strings.CutSuffix(inner, "}")
	}
	var f *ir.HookFill
	if ok && !strings.ContainsAny(inner, "{}") {
		switch {
		case strings.HasPrefix(inner, "$request.body#/"):
			f = c.fillBody(m, strings.TrimPrefix(inner, "$request.body#/"))
		case strings.HasPrefix(inner, "$request.query."):
			f = fillParam(m, ir.InQuery, strings.TrimPrefix(inner, "$request.query."))
		case strings.HasPrefix(inner, "$request.header."):
			f = fillParam(m, ir.InHeader, strings.TrimPrefix(inner, "$request.header."))
		}
	}
	if f == nil {
		c.warn(h.Pos, fmt.Sprintf("callback %s: the URL expression %s is not a string property of the request body or a string query or header parameter: "+
			"the generated client does not fill it; put the receiver's CallbackURL there yourself", h.Name, expr))
	}
	return f
}

func (c *converter) fillBody(m *ir.Method, prop string) *ir.HookFill {
	if strings.Contains(prop, "/") || m.HTTP.Body == nil || len(m.HTTP.Body.Contents) == 0 || mediaRank(m.HTTP.Body.Contents[0].MediaType) > 1 {
		return nil
	}
	t := c.namedType(m.HTTP.Body.Contents[0].Type)
	if t == nil || t.Kind != ir.TypeStruct {
		return nil
	}
	prop = strings.ReplaceAll(strings.ReplaceAll(prop, "~1", "/"), "~0", "~")
	for _, f := range t.Fields {
		if f.JSONName == prop && f.Type.Kind == ir.KindString {
			return &ir.HookFill{Field: f.Name, Pointer: !f.Required || f.Type.Nullable}
		}
	}
	return nil
}

// namedType follows a reference (and aliases) to a declared type.
func (c *converter) namedType(r ir.TypeRef) *ir.Type {
	for range 8 {
		if r.Kind != ir.KindNamed {
			return nil
		}
		i := -1
		for j := range c.spec.Types {
			if c.spec.Types[j].Name == r.Name {
				i = j
				break
			}
		}
		if i < 0 {
			return nil
		}
		t := &c.spec.Types[i]
		if t.Kind != ir.TypeAlias || t.Alias == nil {
			return t
		}
		r = *t.Alias
	}
	return nil
}

func fillParam(m *ir.Method, in ir.ParamLocation, name string) *ir.HookFill {
	for _, p := range m.HTTP.Params {
		if p.In == in && strings.EqualFold(p.Name, name) && p.Type.Kind == ir.KindString {
			return &ir.HookFill{Param: p.GoName, Pointer: !p.Required || p.Type.Nullable}
		}
	}
	return nil
}

package openapi

import (
	"cmp"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/infgen/infgen/ir"
)

// body converts the request body.
func (c *converter) body(o *operation) *ir.Body {
	rb := o.op.RequestBody
	if rb == nil || rb.Value == nil || len(rb.Value.Content) == 0 {
		return nil
	}
	b := &ir.Body{GoName: "Body", Doc: rb.Value.Description, Required: rb.Value.Required}
	at := c.pos(rb.Value.Origin, o.pos)
	b.Contents = c.contents(rb.Value.Content, o.name+"Request", at)
	return b
}

// contents converts the media types of a body, most preferred first. Only
// the first is given a type from its schema; the generated client sends
// and expects that one.
func (c *converter) contents(content openapi3.Content, hint string, at ir.Pos) []ir.Content {
	var out []ir.Content
	for i, mt := range sortedContent(content) {
		ct := ir.Content{MediaType: mt}
		if i == 0 {
			ct.Type = c.mediaType(mt, content[mt], hint, at)
		} else {
			ct.Type = ir.TypeRef{Kind: ir.KindBinary}
		}
		out = append(out, ct)
	}
	return out
}

// mediaType maps a media type's schema: JSON and forms by schema, text as
// string, everything else as raw bytes.
func (c *converter) mediaType(mt string, media *openapi3.MediaType, hint string, at ir.Pos) ir.TypeRef {
	var schema *openapi3.SchemaRef
	if media != nil {
		schema = media.Schema
	}
	switch rank := mediaRank(mt); {
	case rank <= 3:
		return c.typeOf(schema, hint, at)
	case rank == 4:
		return ir.TypeRef{Kind: ir.KindString}
	case (mt == "*/*" || mt == "application/*") && schema != nil && schema.Value != nil:
		// A wildcard with a structured schema is, in practice, JSON.
		if t := c.typeOf(schema, hint, at); t.Kind != ir.KindString {
			return t
		}
	}
	return ir.TypeRef{Kind: ir.KindBinary}
}

// statusRank orders statuses: exact codes, then ranges, then default.
func statusRank(s string) (int, string) {
	switch {
	case s == "default":
		return 2, s
	case strings.ContainsAny(s, "xX"):
		return 1, strings.ToUpper(s)
	}
	return 0, s
}

// responses converts the declared responses.
func (c *converter) responses(o *operation) []ir.Response {
	if o.op.Responses == nil {
		return nil
	}
	m := o.op.Responses.Map()
	keys := sortedKeys(m)
	slices.SortStableFunc(keys, func(a, b string) int {
		ra, sa := statusRank(a)
		rb, sb := statusRank(b)
		return cmp.Or(cmp.Compare(ra, rb), cmp.Compare(sa, sb))
	})
	hasSuccess := slices.ContainsFunc(keys, func(k string) bool { return strings.HasPrefix(k, "2") })
	// Output fields: the fixed ones, one body field per status, then the
	// declared headers of success responses (one field per header name).
	outFields := ir.NewScope("StatusCode", "Header", "Body")
	for _, k := range keys {
		_, s := statusRank(k)
		outFields.Reserve("Body" + ir.StatusName(s))
	}
	headerNames := map[string]string{}
	var out []ir.Response
	for _, k := range keys {
		rr := m[k]
		if rr == nil || rr.Value == nil {
			continue
		}
		status := k
		if r, s := statusRank(k); r == 1 {
			status = s
		}
		r := ir.Response{Status: status}
		if rr.Value.Description != nil {
			r.Doc = *rr.Value.Description
		}
		r.Error = strings.HasPrefix(status, "4") || strings.HasPrefix(status, "5") || (status == "default" && hasSuccess)
		if r.Error {
			r.ErrorType = ir.ErrorName(o.name)
		}
		hint := o.name + "Response"
		if status != "200" && status != "201" {
			hint += ir.StatusName(status)
		}
		if r.Error {
			hint = ir.ErrorName(o.name) + ir.StatusName(status)
		}
		r.Contents = c.contents(rr.Value.Content, hint, c.pos(rr.Value.Origin, o.pos))
		if !r.Error {
			r.Headers = c.responseHeaders(o, rr.Value, outFields, headerNames)
		}
		out = append(out, r)
	}
	return out
}

// responseHeaders converts the declared headers of a success response.
// Fields are named once per header (names compared case-insensitively), so
// every response declaring a header fills the same output field.
func (c *converter) responseHeaders(o *operation, r *openapi3.Response, fields *ir.Scope, names map[string]string) []ir.Param {
	var out []ir.Param
	var at []ir.Pos
	for _, name := range sortedKeys(r.Headers) {
		hr := r.Headers[name]
		if hr == nil || hr.Value == nil || strings.EqualFold(name, "Content-Type") {
			continue
		}
		h := hr.Value
		key := http.CanonicalHeaderKey(name)
		goName, ok := names[key]
		if !ok {
			goName = fields.Unique(ir.GoName(name))
			names[key] = goName
		}
		p := ir.Param{Name: name, GoName: goName, In: ir.InHeader, Doc: h.Description, Required: h.Required, Style: "simple"}
		if h.Schema != nil {
			p.Type = c.typeOf(h.Schema, o.name+goName, c.pos(h.Origin, o.pos))
		} else {
			p.Type = ir.TypeRef{Kind: ir.KindString}
		}
		out = append(out, p)
		at = append(at, c.pos(h.Origin, ir.Pos{}))
	}
	// Named in key order (above), listed in document order.
	return inDocOrder(c, out, at)
}

// security converts the operation's (or the document's) requirements. An
// alternative naming an undeclared scheme cannot be satisfied and is
// dropped with a warning; when only empty alternatives remain the
// operation needs no authentication.
func (c *converter) security(o *operation) []ir.SecurityRequirement {
	reqs := c.doc.Security
	if o.op.Security != nil {
		reqs = *o.op.Security
	}
	var out []ir.SecurityRequirement
	needsAuth := false
alternatives:
	for _, req := range reqs {
		var sr ir.SecurityRequirement
		for _, name := range sortedKeys(req) {
			if !slices.ContainsFunc(c.spec.SecuritySchemes, func(s ir.SecurityScheme) bool { return s.Name == name }) {
				c.warn(o.pos, "security requirement names undeclared scheme "+name+"; that alternative is ignored")
				continue alternatives
			}
			sr.Schemes = append(sr.Schemes, ir.SecurityUse{Name: name, Scopes: req[name]})
		}
		needsAuth = needsAuth || len(sr.Schemes) > 0
		out = append(out, sr)
	}
	if !needsAuth {
		return nil
	}
	return out
}

// securitySchemes converts components.securitySchemes, in document order
// (named in key order, so that an option keeps its name whatever the order
// of the document).
func (c *converter) securitySchemes() {
	if c.doc.Components == nil {
		return
	}
	var schemes []ir.SecurityScheme
	var pos []ir.Pos
	for _, key := range sortedKeys(c.doc.Components.SecuritySchemes) {
		ref := c.doc.Components.SecuritySchemes[key]
		if ref == nil || ref.Value == nil {
			continue
		}
		v := ref.Value
		opt := c.pkg.Unique(ir.OptionName(ir.GoName(key)))
		s := ir.SecurityScheme{Name: key, GoName: strings.TrimPrefix(opt, ir.OptionName("")), Doc: v.Description}
		at := c.pos(v.Origin, c.rootPos())
		switch strings.ToLower(v.Type) {
		case "apikey":
			s.Kind, s.In, s.ParamName = ir.SecurityAPIKey, ir.ParamLocation(v.In), v.Name
			if s.In != ir.InHeader && s.In != ir.InQuery && s.In != ir.InCookie {
				c.warn(at, "API key security scheme "+key+" has unknown location "+v.In+"; not applied")
				s.Kind = ir.SecurityUnsupported
			}
		case "http":
			s.Scheme = v.Scheme
			switch strings.ToLower(v.Scheme) {
			case "bearer":
				s.Kind = ir.SecurityBearer
			case "basic":
				s.Kind = ir.SecurityBasic
			default:
				s.Kind = ir.SecurityUnsupported
				c.warn(at, "HTTP security scheme "+key+" uses unsupported scheme "+v.Scheme+"; configure it through the *http.Client")
			}
		case "oauth2":
			s.Kind = ir.SecurityOAuth2
			if f := v.Flows; f != nil {
				for _, flow := range []*openapi3.OAuthFlow{f.ClientCredentials, f.AuthorizationCode, f.Password, f.Implicit} {
					if flow == nil {
						continue
					}
					if s.TokenURL == "" {
						s.TokenURL = flow.TokenURL
					}
					for _, sc := range sortedKeys(flow.Scopes) {
						if !slices.Contains(s.Scopes, sc) {
							s.Scopes = append(s.Scopes, sc)
						}
					}
				}
				slices.Sort(s.Scopes)
			}
		case "openidconnect":
			s.Kind = ir.SecurityOpenIDConnect
		default:
			s.Kind = ir.SecurityUnsupported
			c.warn(at, "security scheme "+key+" of type "+v.Type+" is not supported; configure it through the *http.Client")
		}
		schemes = append(schemes, s)
		pos = append(pos, at)
	}
	c.spec.SecuritySchemes = inDocOrder(c, schemes, pos)
}

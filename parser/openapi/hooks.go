package openapi

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/infgen/infgen/ir"
)

// CallbacksOption is the HTTPClient option of a package with callbacks:
// it names the receiver whose URLs the client puts in the calls.
const CallbacksOption = "WithCallbacks"

// hook is one webhook or callback operation with its chosen names.
type hook struct {
	kind ir.HookKind
	name string
	// expr is a callback's URL expression; parent the operation declaring
	// the callback.
	expr   string
	parent *operation
	method string
	op     *openapi3.Operation
	pos    ir.Pos
	ir     ir.Hook
}

func hasCallbacks(ops []*operation) bool {
	return slices.ContainsFunc(ops, func(o *operation) bool { return len(o.op.Callbacks) > 0 })
}

// collectHooks lists the callbacks of ops, then the webhooks, and names
// them (in that order, each sorted by key, so that names do not depend on
// the document's order).
func (c *converter) collectHooks(ops []*operation, svc string) []*hook {
	var hooks []*hook
	add := func(kind ir.HookKind, name, expr string, parent *operation, item *openapi3.PathItem) {
		if item == nil {
			return
		}
		// One operation per webhook or callback URL: the receiver serves
		// one method at a URL. Further ones are reported, not generated.
		byMethod := item.Operations()
		var first *hook
		for _, m := range httpMethods {
			op := byMethod[m]
			switch {
			case op == nil:
			case first == nil:
				first = &hook{kind: kind, name: name, expr: expr, parent: parent, method: m, op: op,
					pos: c.pos(op.Origin, c.pos(item.Origin, c.rootPos()))}
				hooks = append(hooks, first)
			default:
				c.warn(c.pos(op.Origin, first.pos), fmt.Sprintf("%s %s: only its first operation (%s) is generated; %s is ignored", kind, name, first.method, m))
			}
		}
	}
	byPath := slices.Clone(ops)
	slices.SortStableFunc(byPath, func(a, b *operation) int { return strings.Compare(a.path+" "+a.method, b.path+" "+b.method) })
	for _, o := range byPath {
		for _, name := range sortedKeys(o.op.Callbacks) {
			cb := o.op.Callbacks[name]
			if cb == nil || cb.Value == nil {
				continue
			}
			m := cb.Value.Map()
			for _, expr := range sortedKeys(m) {
				add(ir.HookCallback, name, expr, o, m[expr])
			}
		}
	}
	for _, name := range sortedKeys(c.doc.Webhooks) {
		add(ir.HookWebhook, name, "", nil, c.doc.Webhooks[name])
	}
	signals := map[string]bool{}
	for _, h := range hooks {
		h.ir = ir.Hook{Kind: h.kind, Name: h.name, Pos: h.pos, Doc: joinDoc(h.op.Summary, h.op.Description), Method: h.method, Expression: h.expr}
		h.ir.GoName = c.hookName(h)
		h.ir.SignalConst, h.ir.HandleFunc = ir.SignalConstName(h.ir.GoName), ir.HandleName(h.ir.GoName)
		h.ir.Signal = svc + "." + h.name
		if signals[h.ir.Signal] || !urlSafe(h.name) {
			h.ir.Signal = svc + "." + h.ir.GoName
		}
		signals[h.ir.Signal] = true
	}
	c.hooks = hooks
	return hooks
}

// hookName allocates a hook's Go name with the names derived from it: the
// signal constant and Handle function in the package, the channel function
// (webhooks) or the stub's Await method (callbacks).
func (c *converter) hookName(h *hook) string {
	base := ir.GoName(h.name)
	for i := 1; ; i++ {
		cand := base
		if i > 1 {
			cand = fmt.Sprintf("%s%d", base, i)
		}
		pkg := []string{ir.SignalConstName(cand), ir.HandleName(cand)}
		if h.kind == ir.HookWebhook {
			pkg = append(pkg, ir.ChannelName(cand))
		} else if c.methods.Has(ir.AwaitName(cand)) {
			continue
		}
		if anyTaken(c.pkg, pkg) {
			continue
		}
		c.pkg.Reserve(pkg...)
		if h.kind == ir.HookWebhook {
			h.ir.Receive = ir.ChannelName(cand)
		} else {
			h.ir.Receive = ir.AwaitName(cand)
			c.methods.Reserve(h.ir.Receive)
		}
		return cand
	}
}

// callbacks converts the callbacks of o into m.
func (c *converter) callbacks(o *operation, m *ir.Method, hooks []*hook) {
	for _, h := range hooks {
		if h.parent == o {
			c.convertHook(h)
			m.Callbacks = append(m.Callbacks, h.ir)
		}
	}
	if len(m.Callbacks) == 0 {
		return
	}
	slices.SortStableFunc(m.Callbacks, func(a, b ir.Hook) int { return c.compareDocPos(a.Pos, b.Pos) })
	m.CallName = ir.CallName(m.Name)
	for i := 2; c.methods.Has(m.CallName); i++ {
		m.CallName = fmt.Sprintf("%s%d", ir.CallName(m.Name), i)
	}
	c.methods.Reserve(m.CallName)
	m.CallType = c.pkg.Unique(ir.CallTypeName(m.Name))
}

// webhooks converts the webhooks, in document order.
func (c *converter) webhooks(hooks []*hook) []ir.Hook {
	var out []ir.Hook
	for _, h := range hooks {
		if h.kind == ir.HookWebhook {
			c.convertHook(h)
			out = append(out, h.ir)
		}
	}
	slices.SortStableFunc(out, func(a, b ir.Hook) int { return c.compareDocPos(a.Pos, b.Pos) })
	return out
}

// convertHook converts a hook's payload, headers and response.
func (c *converter) convertHook(h *hook) {
	if rb := h.op.RequestBody; rb != nil && rb.Value != nil && len(rb.Value.Content) > 0 {
		at := c.pos(rb.Value.Origin, h.pos)
		h.ir.Payload = &ir.Body{GoName: "Body", Doc: rb.Value.Description, Required: rb.Value.Required,
			Contents: c.contents(rb.Value.Content, h.ir.GoName+"Payload", at)}
	}
	for _, pr := range h.op.Parameters {
		if pr == nil || pr.Value == nil || pr.Value.In != "header" {
			continue
		}
		name := http.CanonicalHeaderKey(pr.Value.Name)
		lower := strings.ToLower(name)
		switch {
		case h.ir.DeliveryHeader == "" && (strings.Contains(lower, "delivery") || slices.Contains([]string{"webhook-id", "x-webhook-id", "ce-id", "x-event-id"}, lower)):
			h.ir.DeliveryHeader = name
		case h.ir.SignatureHeader == "" && strings.Contains(lower, "signature"):
			h.ir.SignatureHeader = name
		}
	}
	if h.op.Responses != nil {
		for _, k := range sortedKeys(h.op.Responses.Map()) {
			if strings.HasPrefix(k, "2") && strings.Trim(k, "0123456789") == "" {
				h.ir.Status = k
				break
			}
		}
	}
}

// finishHooks fills what needs the declared types: where each callback's
// URL goes in its call's input, and the schemas validating payloads.
func (c *converter) finishHooks(svc *ir.Service) {
	schemas := &hookSchemas{c: c, out: map[string]any{}}
	for i := range svc.Methods {
		m := &svc.Methods[i]
		for j := range m.Callbacks {
			h := &m.Callbacks[j]
			h.Fill = c.fill(m, h)
			h.Schema = schemas.add(h, c.hookOperation(h))
		}
	}
	for i := range c.spec.Webhooks {
		h := &c.spec.Webhooks[i]
		h.Schema = schemas.add(h, c.hookOperation(h))
	}
	c.spec.HookSchemas = schemas.document()
}

// hookOperation finds the kin-openapi operation of a converted hook.
func (c *converter) hookOperation(h *ir.Hook) *openapi3.Operation {
	for _, o := range c.hooks {
		if o.ir.Signal == h.Signal {
			return o.op
		}
	}
	return nil
}

// urlSafe reports a name that can stand in a URL path segment as it is
// (the receiver's endpoints are /webhooks/<signal>, /callbacks/<signal>/…).
func urlSafe(name string) bool {
	for _, r := range name {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("._~-", r)) {
			return false
		}
	}
	return name != ""
}

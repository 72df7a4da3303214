package openapi

import (
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/infgen/infgen/ir"
)

// pkgWebhook is the runtime package receiving webhooks and callbacks.
const pkgWebhook = "github.com/infgen/infgen/runtime/webhook"

// callbacksOption is the HTTPClient option taking the callback receiver
// (reserved by the parser as parser/openapi.CallbacksOption).
const callbacksOption = "WithCallbacks"

// hooks lists the callbacks of every method, then the webhooks.
func (g *generator) hooks() []ir.Hook {
	var out []ir.Hook
	for _, m := range g.svc.Methods {
		out = append(out, m.Callbacks...)
	}
	return append(out, g.spec.Webhooks...)
}

func (g *generator) hasCallbacks() bool {
	for _, m := range g.svc.Methods {
		if len(m.Callbacks) > 0 {
			return true
		}
	}
	return false
}

// payloadKind is how the receiver delivers a hook's body: its
// webhook.Payload constant, "" for JSON.
func payloadKind(h ir.Hook) string {
	switch {
	case h.Payload == nil || len(h.Payload.Contents) == 0:
		return "PayloadNone"
	case mediaRank(h.Payload.Contents[0].MediaType) <= 1:
		return ""
	case strings.HasPrefix(strings.ToLower(h.Payload.Contents[0].MediaType), "text/"):
		return "PayloadText"
	}
	return "PayloadBinary"
}

// payloadType is the Go type a hook's signal carries: its JSON body's type,
// string for text, []byte for other media types, json.RawMessage (null)
// without a body.
func (g *generator) payloadType(h ir.Hook) *jen.Statement {
	switch payloadKind(h) {
	case "":
		return g.fieldType(h.Payload.Contents[0].Type, true)
	case "PayloadText":
		return jen.String()
	case "PayloadBinary":
		return jen.Index().Byte()
	}
	return jen.Qual(pkgJSON, "RawMessage")
}

// mediaRank is 0 for application/json, 1 for other JSON media types.
func mediaRank(mt string) int {
	mt = strings.ToLower(mt)
	switch {
	case mt == "application/json":
		return 0
	case strings.Contains(mt, "json"):
		return 1
	}
	return 2
}

// hooksFile declares, per webhook and callback, its signal constant and
// the function registering its endpoint on a webhook.Receiver; per webhook
// the function returning its signal channel.
func (g *generator) hooksFile(f *jen.File) {
	hooks := g.hooks()
	f.Add(comment("Signals the webhooks and callbacks are delivered on. A callback's signal\nis per call: see " + pkgName(pkgWebhook) + ".CallbackSignal."))
	f.Const().DefsFunc(func(dg *jen.Group) {
		for _, h := range hooks {
			dg.Add(comment(h.SignalConst + " carries the " + h.Name + " " + string(h.Kind) + "."))
			dg.Id(h.SignalConst).Op("=").Lit(h.Signal)
		}
	})
	if g.spec.HookSchemas != "" {
		f.Add(comment("infgenHookSchemas validates deliveries against the spec's payload schemas."))
		doc := jen.Lit(g.spec.HookSchemas)
		if !strings.Contains(g.spec.HookSchemas, "`") {
			doc = jen.Op("`" + g.spec.HookSchemas + "`")
		}
		f.Var().Id("infgenHookSchemas").Op("=").Qual(pkgWebhook, "NewSchemas").Call(doc)
	}
	for _, m := range g.svc.Methods {
		for _, h := range m.Callbacks {
			doc := h.HandleFunc + " registers on r the " + h.Name + " callback of " + m.Name + " (" + h.Method + " " + sanitize(h.Expression) + "):\n" +
				"each delivery is validated, checked against its signature when a secret is\n" +
				"given (" + pkgName(pkgWebhook) + ".WithSecret), and delivered once to the workflow that made the call,\n" +
				"which awaits it with " + ir.StubName(g.svc.Name) + "." + h.Receive + "."
			f.Add(comment(withSpecDoc(doc, h.Doc)))
			f.Func().Id(h.HandleFunc).Params(jen.Id("r").Op("*").Qual(pkgWebhook, "Receiver"), jen.Id("opts").Op("...").Qual(pkgWebhook, "Option")).Error().Block(
				jen.Return(jen.Id("r").Dot("Handle").Call(g.endpoint(h, nil), jen.Id("opts").Op("..."))),
			)
		}
	}
	for _, h := range g.spec.Webhooks {
		doc := h.HandleFunc + " registers on r the " + h.Name + " webhook (" + h.Method + " " + pkgName(pkgWebhook) + ".Path(" + h.SignalConst + ")\nbelow the receiver's URL): each delivery is validated, checked against its\n" +
			"signature when a secret is given, and delivered once on " + h.SignalConst + " to the\nworkflow route names (started with the payload as input when route.Start is set)."
		f.Add(comment(withSpecDoc(doc, h.Doc)))
		f.Func().Id(h.HandleFunc).Params(jen.Id("r").Op("*").Qual(pkgWebhook, "Receiver"), jen.Id("route").Qual(pkgWebhook, "Route"), jen.Id("opts").Op("...").Qual(pkgWebhook, "Option")).Error().Block(
			jen.Return(jen.Id("r").Dot("Handle").Call(g.endpoint(h, jen.Id("route")), jen.Id("opts").Op("..."))),
		)
		f.Add(comment(h.Receive + " returns the signal channel a workflow receives the " + h.Name + "\nwebhook on."))
		f.Func().Id(h.Receive).Params().Qual(pkgWorkflow, "Channel").Types(g.payloadType(h)).Block(
			jen.Return(jen.Qual(pkgWorkflow, "SignalChannel").Types(g.payloadType(h)).Call(jen.Id(h.SignalConst))),
		)
	}
}

// withSpecDoc appends the spec's description of a hook, as a sentence.
func withSpecDoc(doc, spec string) string {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return doc
	}
	if !strings.ContainsAny(spec[len(spec)-1:], ".!?") {
		spec += "."
	}
	return doc + "\n\n" + spec
}

// pkgName is the last element of an import path.
func pkgName(path string) string { return path[strings.LastIndex(path, "/")+1:] }

// endpoint is the webhook.Endpoint literal of a hook.
func (g *generator) endpoint(h ir.Hook, route jen.Code) jen.Code {
	d := jen.Dict{
		jen.Id("Kind"):   jen.Qual(pkgWebhook, map[ir.HookKind]string{ir.HookWebhook: "KindWebhook", ir.HookCallback: "KindCallback"}[h.Kind]),
		jen.Id("Signal"): jen.Id(h.SignalConst),
		jen.Id("Method"): httpMethod(h.Method),
	}
	if n, err := strconv.Atoi(h.Status); err == nil {
		d[jen.Id("Status")] = jen.Lit(n)
	}
	if k := payloadKind(h); k != "" {
		d[jen.Id("Payload")] = jen.Qual(pkgWebhook, k)
	}
	if h.Schema != "" {
		d[jen.Id("Validate")] = jen.Id("infgenHookSchemas").Dot("Validator").Call(jen.Lit(h.Schema))
	}
	if h.DeliveryHeader != "" {
		d[jen.Id("DeliveryHeader")] = jen.Lit(h.DeliveryHeader)
	}
	if h.SignatureHeader != "" {
		d[jen.Id("SignatureHeader")] = jen.Lit(h.SignatureHeader)
	}
	if route != nil {
		d[jen.Id("Route")] = route
	}
	return jen.Qual(pkgWebhook, "Endpoint").Values(d)
}

// stubCalls declares, for a method with callbacks, its call type, the
// stub method dispatching it with a callback key, and one Await method per
// callback.
func (g *generator) stubCalls(f *jen.File, stub string, m ir.Method) {
	out := jen.Op("*").Id(m.Output.Name)
	var awaits []string
	for _, h := range m.Callbacks {
		awaits = append(awaits, h.Receive)
	}
	f.Add(comment(m.CallType + " is a " + m.Name + " call whose callbacks the workflow can await\n(" + strings.Join(awaits, ", ") + "). It is the call's Deferred, with the key\nthat correlates its callbacks."))
	f.Type().Id(m.CallType).Struct(
		jen.Qual(pkgWorkflow, "Deferred").Types(out.Clone()),
		jen.Comment("Key is in the call's callback URLs; a callback is delivered on its"),
		jen.Comment("signal for this key (webhook.CallbackSignal)."),
		jen.Id("Key").String(),
	)
	f.Add(comment(m.CallName + " starts " + g.svc.Name + "." + m.Name + " as a task and returns at once, like\nworkflow.Async(ctx, stub." + m.Name + ", in)" +
		", with a new key for its callbacks: the HTTP client (configured\nwith " + callbacksOption + ") puts the receiver's URL for this key in the request."))
	f.Func().Params(jen.Id("s").Op("*").Id(stub)).Id(m.CallName).Params(
		jen.Id("ctx").Qual(pkgWorkflow, "Context"), jen.Id("in").Op("*").Id(m.Input.Name),
		jen.Id("opts").Op("...").Qual(pkgWorkflow, "CallOption"),
	).Op("*").Id(m.CallType).Block(
		jen.Id("key").Op(":=").Qual(pkgWorkflow, "NewUUID").Call(jen.Id("ctx")),
		jen.Id("opts").Op("=").Append(jen.Qual("slices", "Clone").Call(jen.Id("opts")), jen.Qual(pkgWorkflow, "WithMeta").Call(jen.Qual(pkgWebhook, "CallbackKeyMeta"), jen.Id("key"))),
		jen.Return(jen.Op("&").Id(m.CallType).Values(jen.Dict{
			jen.Id("Deferred"): jen.Qual(pkgWorkflow, "Async").Call(jen.Id("ctx"), jen.Id("s").Dot(m.Name), jen.Id("in"), jen.Id("opts").Op("...")),
			jen.Id("Key"):      jen.Id("key"),
		})),
	)
	for _, h := range m.Callbacks {
		pt := g.payloadType(h)
		f.Add(comment(h.Receive + " waits at most timeout for the " + h.Name + " callback of call\n(made with " + m.CallName + "); when none arrived by then it returns an error\nwrapping a *workflow.TimeoutError. A canceled scope returns its\n*workflow.CanceledError."))
		f.Func().Params(jen.Id("s").Op("*").Id(stub)).Id(h.Receive).Params(
			jen.Id("ctx").Qual(pkgWorkflow, "Context"), jen.Id("call").Op("*").Id(m.CallType), jen.Id("timeout").Qual(pkgTime, "Duration"),
		).Params(pt.Clone(), jen.Error()).Block(
			jen.Id("ch").Op(":=").Qual(pkgWorkflow, "SignalChannel").Types(pt.Clone()).Call(
				jen.Qual(pkgWebhook, "CallbackSignal").Call(jen.Id(h.SignalConst), jen.Id("call").Dot("Key"))),
			jen.List(jen.Id("v"), jen.Id("ok"), jen.Err()).Op(":=").Id("ch").Dot("ReceiveTimeout").Call(jen.Id("ctx"), jen.Id("timeout")),
			jen.If(jen.Err().Op("==").Nil().Op("&&").Op("!").Id("ok")).Block(
				jen.Err().Op("=").Qual(pkgFmt, "Errorf").Call(jen.Lit("%s: no callback within %s: %w"), jen.Id(h.SignalConst), jen.Id("timeout"),
					jen.Op("&").Qual(pkgWorkflow, "TimeoutError").Values(jen.Dict{jen.Id("Timeout"): jen.Id("timeout")})),
			),
			jen.Return(jen.Id("v"), jen.Err()),
		)
	}
}

// fillCallbacks puts the receiver's callback URLs into a copy of the input,
// where the callbacks' runtime expressions say.
func (g *generator) fillCallbacks(bg *jen.Group, m ir.Method) {
	var fills []ir.Hook
	for _, h := range m.Callbacks {
		if h.Fill != nil {
			fills = append(fills, h)
		}
	}
	if len(fills) == 0 {
		return
	}
	bg.If(jen.Id("in").Op("==").Nil()).Block(jen.Id("in").Op("=").New(jen.Id(m.Input.Name)))
	bg.If(jen.List(jen.Id("wf"), jen.Id("key"), jen.Id("ok")).Op(":=").Qual(pkgWebhook, "CallbackKey").Call(jen.Id("ctx")), jen.Id("ok").Op("&&").Id("c").Dot("callbacks").Op("!=").Nil()).BlockFunc(func(ig *jen.Group) {
		ig.Id("cp").Op(":=").Op("*").Id("in")
		body := false
		for _, h := range fills {
			if h.Fill.Field != "" && !body {
				body = true
				ig.If(jen.Id("cp").Dot("Body").Op("!=").Nil()).Block(
					jen.Id("b").Op(":=").Op("*").Id("cp").Dot("Body"),
					jen.Id("cp").Dot("Body").Op("=").Op("&").Id("b"),
				)
			}
		}
		for i, h := range fills {
			u := "u" + strconv.Itoa(i+1)
			ig.Id(u).Op(":=").Id("c").Dot("callbacks").Dot("CallbackURL").Call(jen.Id("wf"), jen.Id(h.SignalConst), jen.Id("key"))
			val := jen.Id(u)
			if h.Fill.Pointer {
				val = jen.Op("&").Id(u)
			}
			if h.Fill.Field != "" {
				ig.If(jen.Id(u).Op("!=").Lit("").Op("&&").Id("cp").Dot("Body").Op("!=").Nil()).Block(jen.Id("cp").Dot("Body").Dot(h.Fill.Field).Op("=").Add(val))
			} else {
				ig.If(jen.Id(u).Op("!=").Lit("")).Block(jen.Id("cp").Dot(h.Fill.Param).Op("=").Add(val))
			}
		}
		ig.Id("in").Op("=").Op("&").Id("cp")
	})
}

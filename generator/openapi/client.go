package openapi

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/infgen/infgen/ir"
)

// secField is the HTTPClient field holding a scheme's credentials.
func secField(s ir.SecurityScheme) string { return "sec" + s.GoName }

// credField is the HTTPClient field holding a credential parameter's value
// (one that is not a security scheme's).
func credField(c ir.Credential) string { return "cred" + c.GoName }

// credentialOption is a credential parameter that gives the client an
// option, with the operations declaring it.
type credentialOption struct {
	cred    ir.Credential
	methods []string
}

// listNames lists names in a comment, at most five.
func listNames(names []string) string {
	if len(names) > 5 {
		return strings.Join(names[:5], ", ") + fmt.Sprintf(" and %d more", len(names)-5)
	}
	return strings.Join(names, ", ")
}

// credentialOptions lists the credential parameters of the service that are
// not a security scheme's, once each, sorted by GoName.
func (g *generator) credentialOptions() []credentialOption {
	var out []credentialOption
	for _, m := range g.svc.Methods {
		if m.HTTP == nil {
			continue
		}
		for _, c := range m.HTTP.Credentials {
			if c.Scheme != "" {
				continue
			}
			i := slices.IndexFunc(out, func(o credentialOption) bool { return o.cred.GoName == c.GoName })
			if i < 0 {
				out = append(out, credentialOption{cred: c})
				i = len(out) - 1
			}
			out[i].methods = append(out[i].methods, m.Name)
		}
	}
	slices.SortFunc(out, func(a, b credentialOption) int { return strings.Compare(a.cred.GoName, b.cred.GoName) })
	return out
}

// clientFile declares HTTPClient, its options and request plumbing.
func (g *generator) clientFile(f *jen.File) {
	svc := g.svc
	f.Add(comment("HTTPClient implements " + svc.Name + " by calling the API over HTTP. Credentials\ncome from its options (the worker's configuration), never from task input."))
	f.Type().Id("HTTPClient").StructFunc(func(sg *jen.Group) {
		sg.Id("baseURL").String()
		sg.Id("client").Op("*").Qual(pkgHTTP, "Client")
		sg.Id("header").Qual(pkgHTTP, "Header")
		for _, s := range g.spec.SecuritySchemes {
			switch s.Kind {
			case ir.SecurityAPIKey, ir.SecurityBearer:
				sg.Id(secField(s)).String()
			case ir.SecurityBasic:
				sg.Id(secField(s)).Index(jen.Lit(2)).String()
			case ir.SecurityOAuth2, ir.SecurityOpenIDConnect:
				sg.Id(secField(s)).Qual(pkgOAuth2, "TokenSource")
			}
		}
		for _, o := range g.credentialOptions() {
			sg.Id(credField(o.cred)).String()
		}
		if g.hasCallbacks() {
			sg.Id("callbacks").Qual(pkgWebhook, "URLs")
		}
	})
	f.Var().Id("_").Id(svc.Name).Op("=").Parens(jen.Op("*").Id("HTTPClient")).Parens(jen.Nil())

	f.Add(comment("HTTPOption configures an HTTPClient."))
	f.Type().Id("HTTPOption").Func().Params(jen.Op("*").Id("HTTPClient"))

	f.Add(comment("NewHTTPClient returns a client of the API at baseURL (for example\n" + firstServer(g.spec) + ")."))
	f.Func().Id("NewHTTPClient").Params(jen.Id("baseURL").String(), jen.Id("opts").Op("...").Id("HTTPOption")).Op("*").Id("HTTPClient").Block(
		jen.Id("c").Op(":=").Op("&").Id("HTTPClient").Values(jen.Dict{
			jen.Id("baseURL"): jen.Qual(pkgStrings, "TrimRight").Call(jen.Id("baseURL"), jen.Lit("/")),
			jen.Id("client"):  jen.Qual(pkgHTTP, "DefaultClient"),
			jen.Id("header"):  jen.Qual(pkgHTTP, "Header").Values(),
		}),
		jen.For(jen.List(jen.Id("_"), jen.Id("o")).Op(":=").Range().Id("opts")).Block(jen.Id("o").Call(jen.Id("c"))),
		jen.Return(jen.Id("c")),
	)
	option := func(name, doc string, params []jen.Code, body ...jen.Code) {
		f.Add(comment(doc))
		f.Func().Id(name).Params(params...).Id("HTTPOption").Block(
			jen.Return(jen.Func().Params(jen.Id("c").Op("*").Id("HTTPClient")).Block(body...)),
		)
	}
	option("WithHTTPClient", "WithHTTPClient sets the *http.Client requests go through (timeouts, TLS,\nproxies, transports).", []jen.Code{jen.Id("hc").Op("*").Qual(pkgHTTP, "Client")},
		jen.Id("c").Dot("client").Op("=").Id("hc"))
	option("WithHeader", "WithHeader adds a header to every request.", []jen.Code{jen.Id("key"), jen.Id("value").String()},
		jen.Id("c").Dot("header").Dot("Add").Call(jen.Id("key"), jen.Id("value")))
	if g.hasCallbacks() {
		option(callbacksOption, callbacksOption+" puts the callback URLs of r (a *webhook.Receiver) in the calls\nthat declare callbacks, where the spec's runtime expression says, for the\nworkflow and call the task belongs to. Without it they are sent as given.",
			[]jen.Code{jen.Id("r").Qual(pkgWebhook, "URLs")}, jen.Id("c").Dot("callbacks").Op("=").Id("r"))
	}
	for _, s := range g.spec.SecuritySchemes {
		field := jen.Id("c").Dot(secField(s))
		doc := ir.OptionName(s.GoName) + " sets the credentials of security scheme " + s.Name
		switch s.Kind {
		case ir.SecurityAPIKey:
			option(ir.OptionName(s.GoName), doc+":\nan API key sent in "+string(s.In)+" "+s.ParamName+".",
				[]jen.Code{jen.Id("key").String()}, field.Op("=").Id("key"))
		case ir.SecurityBearer:
			option(ir.OptionName(s.GoName), doc+":\na bearer token sent in the Authorization header.",
				[]jen.Code{jen.Id("token").String()}, field.Op("=").Id("token"))
		case ir.SecurityBasic:
			option(ir.OptionName(s.GoName), doc+":\nHTTP basic authentication.",
				[]jen.Code{jen.Id("username"), jen.Id("password").String()},
				field.Op("=").Index(jen.Lit(2)).String().Values(jen.Id("username"), jen.Id("password")))
		case ir.SecurityOAuth2, ir.SecurityOpenIDConnect:
			option(ir.OptionName(s.GoName), doc+":\nOAuth2 access tokens from ts (for example a clientcredentials.Config's\nTokenSource), sent as bearer tokens.",
				[]jen.Code{jen.Id("ts").Qual(pkgOAuth2, "TokenSource")}, field.Op("=").Id("ts"))
		}
	}
	for _, o := range g.credentialOptions() {
		c := o.cred
		doc := ir.OptionName(c.GoName) + " sets the value of the " + string(c.In) + " parameter " + sanitize(c.Name) +
			",\nsent by " + listNames(o.methods) + ". The parameter carries a credential,\n" +
			"so it is configured here rather than in task inputs, which are stored in workflow\nhistory in clear."
		if c.Doc != "" {
			doc += "\n\n" + sanitize(c.Doc)
		}
		option(ir.OptionName(c.GoName), doc, []jen.Code{jen.Id("value").String()}, jen.Id("c").Dot(credField(c)).Op("=").Id("value"))
	}
	if len(g.spec.SecuritySchemes) > 0 {
		g.authorizeFuncs(f)
	}
	g.callFunc(f)
	if g.hasCredentials() {
		g.credentialFunc(f)
	}
	undeclaredStatus(f)
}

// callFunc declares HTTPClient.call, through which every operation's
// method sends its request: httpapi.Call with the client's configuration.
func (g *generator) callFunc(f *jen.File) {
	cfg := jen.Dict{
		jen.Id("BaseURL"):    jen.Id("c").Dot("baseURL"),
		jen.Id("HTTP"):       jen.Id("c").Dot("client"),
		jen.Id("Header"):     jen.Id("c").Dot("header"),
		jen.Id("Undeclared"): jen.Id(undeclaredStatusFunc),
	}
	if len(g.spec.SecuritySchemes) > 0 {
		cfg[jen.Id("Authorize")] = jen.Id("c").Dot("authorize")
	}
	if g.hasCredentials() {
		cfg[jen.Id("Credential")] = jen.Id("c").Dot("credential")
	}
	// Not inlined: inlined, each of a large spec's methods would carry a
	// copy of the httpapi.Client literal (GitHub's 1,223: 10-20 MB more to
	// compile).
	f.Add(comment("call sends the request of operation op built from in, and decodes its\nresponse into out."))
	f.Comment("//go:noinline")
	f.Func().Params(jen.Id("c").Op("*").Id("HTTPClient")).Id("call").Params(
		jen.Id("ctx").Qual(pkgContext, "Context"), jen.Id("op").Op("*").Qual(pkgHTTPAPI, "Operation"), jen.Id("in"), jen.Id("out").Any(),
	).Error().Block(
		jen.Return(jen.Qual(pkgHTTPAPI, "Call").Call(jen.Id("ctx"), jen.Qual(pkgHTTPAPI, "Client").Values(cfg), jen.Id("op"), jen.Id("in"), jen.Id("out"))),
	)
}

// hasCredentials reports whether any operation has credential parameters.
func (g *generator) hasCredentials() bool {
	for _, m := range g.svc.Methods {
		if m.HTTP != nil && len(m.HTTP.Credentials) > 0 {
			return true
		}
	}
	return false
}

// credentialKey names a credential's configured value to
// HTTPClient.credential: the field holding it.
func (g *generator) credentialKey(c ir.Credential) string {
	if c.Scheme != "" {
		for _, s := range g.spec.SecuritySchemes {
			if s.Name == c.Scheme {
				return secField(s)
			}
		}
	}
	return credField(c)
}

// credentialFunc declares HTTPClient.credential, the configured value of
// each credential parameter by its key.
func (g *generator) credentialFunc(f *jen.File) {
	var keys []string
	for _, m := range g.svc.Methods {
		for _, cr := range m.HTTP.Credentials {
			if k := g.credentialKey(cr); !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	f.Add(comment("credential is the configured value of a credential parameter, by the\nfield that holds it."))
	f.Func().Params(jen.Id("c").Op("*").Id("HTTPClient")).Id("credential").Params(jen.Id("key").String()).String().Block(
		jen.Switch(jen.Id("key")).BlockFunc(func(sg *jen.Group) {
			for _, k := range keys {
				sg.Case(jen.Lit(k)).Block(jen.Return(jen.Id("c").Dot(k)))
			}
		}),
		jen.Return(jen.Lit("")),
	)
}

func firstServer(s *ir.Spec) string {
	for _, u := range s.Servers {
		if u != "" && u != "/" {
			return u
		}
	}
	return "https://api.example.com"
}

// authorizeFuncs declares the security plumbing: the first alternative of
// an operation whose credentials are all configured is applied.
func (g *generator) authorizeFuncs(f *jen.File) {
	c := jen.Id("c").Op("*").Id("HTTPClient")
	f.Add(comment("authorize applies the first alternative of security schemes whose\ncredentials are all configured; with none configured it sends the request as is."))
	f.Func().Params(c.Clone()).Id("authorize").Params(jen.Id("req").Op("*").Qual(pkgHTTP, "Request"), jen.Id("alternatives").Index().Index().String()).Error().Block(
		jen.For(jen.List(jen.Id("_"), jen.Id("alt")).Op(":=").Range().Id("alternatives")).Block(
			jen.If(jen.Op("!").Id("c").Dot("configured").Call(jen.Id("alt"))).Block(jen.Continue()),
			jen.For(jen.List(jen.Id("_"), jen.Id("name")).Op(":=").Range().Id("alt")).Block(
				jen.If(jen.Err().Op(":=").Id("c").Dot("applyScheme").Call(jen.Id("req"), jen.Id("name")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
			),
			jen.Return(jen.Nil()),
		),
		jen.Return(jen.Nil()),
	)
	f.Add(comment("configured reports whether credentials of all the named schemes are set."))
	f.Func().Params(c.Clone()).Id("configured").Params(jen.Id("names").Index().String()).Bool().Block(
		jen.For(jen.List(jen.Id("_"), jen.Id("name")).Op(":=").Range().Id("names")).Block(
			jen.Switch(jen.Id("name")).BlockFunc(func(sg *jen.Group) {
				for _, s := range g.spec.SecuritySchemes {
					var cond jen.Code
					switch s.Kind {
					case ir.SecurityAPIKey, ir.SecurityBearer:
						cond = jen.Id("c").Dot(secField(s)).Op("==").Lit("")
					case ir.SecurityBasic:
						cond = jen.Id("c").Dot(secField(s)).Index(jen.Lit(0)).Op("==").Lit("")
					case ir.SecurityOAuth2, ir.SecurityOpenIDConnect:
						cond = jen.Id("c").Dot(secField(s)).Op("==").Nil()
					default:
						continue
					}
					sg.Case(jen.Lit(s.Name)).Block(jen.If(cond).Block(jen.Return(jen.False())))
				}
			}),
		),
		jen.Return(jen.True()),
	)
	f.Add(comment("applyScheme adds the credentials of one scheme to req."))
	f.Func().Params(c.Clone()).Id("applyScheme").Params(jen.Id("req").Op("*").Qual(pkgHTTP, "Request"), jen.Id("name").String()).Error().Block(
		jen.Switch(jen.Id("name")).BlockFunc(func(sg *jen.Group) {
			for _, s := range g.spec.SecuritySchemes {
				if code := applyCode(s); code != nil {
					sg.Case(jen.Lit(s.Name)).Block(code...)
				}
			}
		}),
		jen.Return(jen.Nil()),
	)
}

// applyCode is the code that adds one scheme's credentials to req.
func applyCode(s ir.SecurityScheme) []jen.Code {
	v := jen.Id("c").Dot(secField(s))
	switch s.Kind {
	case ir.SecurityAPIKey:
		switch s.In {
		case ir.InHeader:
			return []jen.Code{jen.Id("req").Dot("Header").Dot("Set").Call(jen.Lit(s.ParamName), v)}
		case ir.InQuery:
			return []jen.Code{
				jen.Id("q").Op(":=").Id("req").Dot("URL").Dot("Query").Call(),
				jen.Id("q").Dot("Set").Call(jen.Lit(s.ParamName), v),
				jen.Id("req").Dot("URL").Dot("RawQuery").Op("=").Id("q").Dot("Encode").Call(),
			}
		case ir.InCookie:
			return []jen.Code{jen.Id("req").Dot("AddCookie").Call(jen.Op("&").Qual(pkgHTTP, "Cookie").Values(jen.Dict{
				jen.Id("Name"): jen.Lit(s.ParamName), jen.Id("Value"): v,
			}))}
		}
	case ir.SecurityBearer:
		return []jen.Code{jen.Id("req").Dot("Header").Dot("Set").Call(jen.Lit("Authorization"), jen.Lit("Bearer ").Op("+").Add(v))}
	case ir.SecurityBasic:
		return []jen.Code{jen.Id("req").Dot("SetBasicAuth").Call(v.Clone().Index(jen.Lit(0)), v.Clone().Index(jen.Lit(1)))}
	case ir.SecurityOAuth2, ir.SecurityOpenIDConnect:
		return []jen.Code{
			jen.List(jen.Id("tok"), jen.Err()).Op(":=").Add(v).Dot("Token").Call(),
			jen.If(jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Qual(pkgService, "Retryable").Call(jen.Qual(pkgFmt, "Errorf").Call(jen.Lit("get OAuth2 token for "+s.Name+": %w"), jen.Err()), jen.Lit(0))),
			),
			jen.Id("tok").Dot("SetAuthHeader").Call(jen.Id("req")),
		}
	}
	return nil
}

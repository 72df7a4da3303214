package main

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"
	"golang.org/x/tools/imports"
)

// Import paths used by a scaffolded worker.
const (
	scPkgWorker   = "github.com/infgen/infgen/runtime/worker"
	scPkgConfig   = "github.com/infgen/infgen/runtime/config"
	scPkgGRPC     = "google.golang.org/grpc"
	scPkgInsecure = "google.golang.org/grpc/credentials/insecure"
	scPkgWebhook  = "github.com/infgen/infgen/runtime/webhook"
)

// mainFile builds the scaffolded main.go with jennifer: main and run (the
// worker's life cycle, on runtime/config's configuration file and
// environment-selected backends) and register (what it hosts).
func (w *scaffold) mainFile() ([]byte, error) {
	f := jen.NewFile("main")
	f.HeaderComment(fmt.Sprintf("Scaffolded by `%s`; edit it freely.", w.command))
	for _, s := range w.services {
		f.ImportName(s.pkg.ImportPath, s.pkg.Name)
	}
	for _, wf := range w.workflows {
		f.ImportName(wf.pkg.ImportPath, wf.pkg.Name)
	}
	for _, line := range strings.Split(w.packageDoc(), "\n") {
		f.PackageComment(line)
	}
	for _, path := range []string{scPkgWorker, scPkgConfig, scPkgGRPC, scPkgInsecure, scPkgWebhook} {
		f.ImportName(path, path[strings.LastIndex(path, "/")+1:])
	}
	w.mainFuncs(f)
	w.registerFunc(f)
	var b bytes.Buffer
	if err := f.Render(&b); err != nil {
		return nil, fmt.Errorf("scaffold main.go: %w", err)
	}
	// Group the imports as goimports does (standard library first), like
	// the generated packages; nothing is resolved, added or removed.
	src, err := imports.Process("main.go", b.Bytes(), &imports.Options{FormatOnly: true, Comments: true, TabIndent: true, TabWidth: 8})
	if err != nil {
		return nil, fmt.Errorf("scaffold main.go: group imports: %w", err)
	}
	return src, nil
}

func (w *scaffold) packageDoc() string {
	var hosts []string
	for _, s := range w.services {
		hosts = append(hosts, s.name)
	}
	for _, wf := range w.workflows {
		hosts = append(hosts, "the workflow "+wf.pkg.Name+"."+wf.expr())
	}
	return fmt.Sprintf("Command %s is an infgen worker hosting %s.\n\n"+
		"It reads its configuration file (-config, default worker.yaml) and runs until\n"+
		"SIGINT or SIGTERM. The transport and storage come from the environment: the\n"+
		"embedded default when INFGEN_PULSAR_URL is unset, otherwise Pulsar with the\n"+
		"storage named by INFGEN_POSTGRES_DSN, INFGEN_REDIS_ADDR or INFGEN_MYSQL_DSN.",
		w.name, strings.Join(hosts, ", "))
}

func (w *scaffold) mainFuncs(f *jen.File) {
	f.Func().Id("main").Params().Block(
		jen.Id("configPath").Op(":=").Qual("flag", "String").Call(jen.Lit("config"), jen.Lit("worker.yaml"), jen.Lit("worker configuration file")),
		jen.Qual("flag", "Parse").Call(),
		jen.Comment("Run blocks until SIGINT or SIGTERM."),
		jen.If(jen.Err().Op(":=").Qual(scPkgConfig, "Run").Call(jen.Lit(w.name), jen.Op("*").Id("configPath"), jen.Id("register")), jen.Err().Op("!=").Nil()).Block(
			jen.Qual("fmt", "Fprintln").Call(jen.Qual("os", "Stderr"), jen.Lit(w.name+":"), jen.Err()),
			jen.Qual("os", "Exit").Call(jen.Lit(1)),
		),
	)
	f.Line()
}

// registerFunc declares register, which hosts every service and workflow.
func (w *scaffold) registerFunc(f *jen.File) {
	var body []jen.Code
	body = append(body, jen.Var().Id("closers").Index().Qual("io", "Closer"))
	fail := func(format string, args ...jen.Code) jen.Code {
		return jen.Return(jen.Id("closers"), jen.Qual("fmt", "Errorf").Call(append([]jen.Code{jen.Lit(format)}, args...)...))
	}
	for _, s := range w.services {
		cfg := s.key + "Cfg"
		kind := "HTTP"
		if s.grpc {
			kind = "gRPC"
		}
		body = append(body,
			jen.Line().Comment(fmt.Sprintf("%s over %s.", s.name, kind)),
			jen.List(jen.Id(cfg), jen.Err()).Op(":=").Id("cfg").Dot("Service").Call(jen.Lit(s.key), jen.Lit(s.envURL())),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id("closers"), jen.Err())),
		)
		var clientArgs []jen.Code
		if s.callbacks != "" {
			clientArgs = append(clientArgs, jen.Qual(s.pkg.ImportPath, s.callbacks).Call(jen.Id("cfg").Dot("Receiver")))
		}
		impl := jen.Qual(s.pkg.ImportPath, s.newClient).Call(append([]jen.Code{jen.Id(cfg).Dot("URL")}, clientArgs...)...)
		if s.grpc {
			conn := s.key + "Conn"
			body = append(body,
				jen.List(jen.Id(conn), jen.Err()).Op(":=").Qual(scPkgGRPC, "NewClient").Call(jen.Id(cfg).Dot("URL"),
					jen.Qual(scPkgGRPC, "WithTransportCredentials").Call(jen.Qual(scPkgInsecure, "NewCredentials").Call())),
				jen.If(jen.Err().Op("!=").Nil()).Block(fail("connect to "+s.name+" at %s: %w", jen.Id(cfg).Dot("URL"), jen.Err())),
				jen.Id("closers").Op("=").Append(jen.Id("closers"), jen.Id(conn)),
			)
			impl = jen.Qual(s.pkg.ImportPath, s.newClient).Call(jen.Id(conn))
		}
		body = append(body,
			jen.If(jen.Err().Op(":=").Qual(s.pkg.ImportPath, s.register).Call(jen.Id("w"), impl, jen.Id(cfg).Dot("Options").Call().Op("...")), jen.Err().Op("!=").Nil()).
				Block(fail("register "+s.name+": %w", jen.Err())),
		)
	}
	for _, s := range w.services {
		if len(s.hooks) > 0 {
			body = append(body, s.hookRegistrations(fail)...)
		}
	}
	for _, wf := range w.workflows {
		def := jen.Qual(wf.pkg.ImportPath, wf.name)
		if !wf.isVar {
			def = def.Call()
		}
		body = append(body,
			jen.If(jen.Err().Op(":=").Id("w").Dot("RegisterWorkflow").Call(def), jen.Err().Op("!=").Nil()).
				Block(fail("register workflow "+wf.spec+": %w", jen.Err())),
		)
	}
	body = append(body, jen.Return(jen.Id("closers"), jen.Nil()))
	f.Line()
	comments(f, "register hosts the services and workflows in w and returns the connections",
		"to close when the worker stops.")
	f.Func().Id("register").Params(jen.Id("w").Op("*").Qual(scPkgWorker, "Worker"), jen.Id("cfg").Op("*").Qual(scPkgConfig, "Config")).
		Params(jen.Index().Qual("io", "Closer"), jen.Error()).Block(body...)
}

// hookRegistrations registers the service's callbacks on the receiver
// worker.yaml's webhooks.listen starts (cfg.Receiver), and shows its
// webhooks, which need a route to a workflow, commented out.
func (s scaffoldService) hookRegistrations(fail func(string, ...jen.Code) jen.Code) []jen.Code {
	var in []jen.Code
	for _, h := range s.hooks {
		if h.Kind == "callback" {
			in = append(in, jen.If(jen.Err().Op(":=").Qual(s.pkg.ImportPath, h.Handle).Call(jen.Id("cfg").Dot("Receiver")), jen.Err().Op("!=").Nil()).
				Block(fail("register the "+h.Name+" callback: %w", jen.Err())))
		}
	}
	for _, h := range s.hooks {
		if h.Kind == "webhook" {
			in = append(in,
				jen.Comment("The "+h.Name+" webhook reaches the workflow its payload names: a JSON pointer"),
				jen.Comment("to the workflow id, and optionally a workflow to start (see docs/webhooks.md)."),
				jen.Comment("if err := "+s.pkg.Name+"."+h.Handle+"(cfg.Receiver, webhook.Route{Pointer: \"/id\"}); err != nil {"),
				jen.Comment("\treturn closers, err"),
				jen.Comment("}"),
			)
		}
	}
	return []jen.Code{
		jen.Line().Comment("The webhooks and callbacks of " + s.name + ", on the receiver that worker.yaml's"),
		jen.Comment("webhooks.listen starts (cfg.Receiver is nil without it)."),
		jen.If(jen.Id("cfg").Dot("Receiver").Op("!=").Nil()).Block(in...),
	}
}

// comments adds one line comment per line: jennifer renders a comment
// holding a newline as a /* */ block.
func comments(f *jen.File, lines ...string) {
	for _, l := range lines {
		f.Comment(l)
	}
}

package gen

import (
	"runtime/debug"

	"github.com/dave/jennifer/jen"

	"github.com/infgen/infgen/ir"
)

// ServiceDescriptor is what the descriptor says of one service.
type ServiceDescriptor struct {
	ServiceName         string // the ServiceName constant
	Binding             string // "http" or "grpc"
	Register, NewClient string
	Stub, NewStub       string
	Methods             []string
	// Service is the service's Go name (of its stub and events types);
	// Events its methods, whose outcomes it publishes as events.
	Service string
	Events  []EventMethod
	// Hooks are the webhooks and callbacks; CallbacksOption the client
	// option taking their receiver ("" without callbacks).
	Hooks           []ir.Hook
	CallbacksOption string
}

// Descriptor declares the package's descriptor (ir.DescriptorName) and
// the runtime version guard; kind is the input ("openapi", "proto").
func Descriptor(f *jen.File, spec *ir.Spec, kind string, services []ServiceDescriptor) {
	f.Comment("The runtime this package was generated for: compiling it against an older")
	f.Comment("runtime fails here (upgrade github.com/infgen/infgen), and against one that can")
	f.Comment("no longer run it too (regenerate it with that runtime's infgen).")
	f.Const().Id("_").Op("=").Qual(PkgService, "SupportPackageIsVersion2")
	f.Line()
	f.Comment(ir.DescriptorName + " describes what this package offers, for tools such as infgen init worker.")
	strings := func(vs []string) jen.Code {
		return jen.Index().String().ValuesFunc(func(g *jen.Group) {
			for _, v := range vs {
				g.Lit(v)
			}
		})
	}
	info := []jen.Code{Field("Kind", jen.Lit(kind))}
	if spec.Title != "" {
		info = append(info, Field("Title", jen.Lit(spec.Title)))
	}
	if spec.Version != "" {
		info = append(info, Field("Version", jen.Lit(spec.Version)))
	}
	if len(spec.Files) > 0 {
		info = append(info, Field("Files", strings(spec.Files)))
	}
	var svcs []jen.Code
	for _, s := range services {
		fields := []jen.Code{
			Field("Name", jen.Id(s.ServiceName)),
			Field("Binding", jen.Lit(s.Binding)),
			Field("Register", jen.Lit(s.Register)),
			Field("NewClient", jen.Lit(s.NewClient)),
			Field("Stub", jen.Lit(s.Stub)),
			Field("NewStub", jen.Lit(s.NewStub)),
			Field("Methods", strings(s.Methods)),
		}
		if evs := eventDescriptors(s); len(evs) > 0 {
			fields = append(fields, Field("Events", jen.Index().Qual(PkgService, "EventDescriptor").Values(Fields(evs...)...)))
		}
		if len(s.Hooks) > 0 {
			fields = append(fields, Field("Hooks", jen.Index().Qual(PkgService, "HookDescriptor").ValuesFunc(func(g *jen.Group) {
				for _, h := range s.Hooks {
					g.Values(Fields(Field("Kind", jen.Lit(string(h.Kind))), Field("Name", jen.Lit(h.Name)),
						Field("Signal", jen.Id(h.SignalConst)), Field("Handle", jen.Lit(h.HandleFunc)))...)
				}
			})))
		}
		if s.CallbacksOption != "" {
			fields = append(fields, Field("CallbacksOption", jen.Lit(s.CallbacksOption)))
		}
		svcs = append(svcs, jen.Values(Fields(fields...)...))
	}
	f.Var().Id(ir.DescriptorName).Op("=").Qual(PkgService, "PackageDescriptor").Values(Fields(
		Field("Spec", jen.Qual(PkgService, "SpecInfo").Values(Fields(info...)...)),
		Field("Generator", jen.Lit("infgen "+Version())),
		Field("Services", jen.Index().Qual(PkgService, "ServiceDescriptor").Values(Fields(svcs...)...)),
	)...)
}

// Version is the version of the infgen module generating ("devel" when
// built from its own repository, as in tests).
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	v := bi.Main.Version
	if bi.Main.Path != "github.com/infgen/infgen" {
		v = ""
		for _, d := range bi.Deps {
			if d.Path == "github.com/infgen/infgen" {
				v = d.Version
			}
		}
	}
	if v == "" || v == "(devel)" {
		return "devel"
	}
	return v
}

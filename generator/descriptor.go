package generator

import (
	"runtime/debug"

	"github.com/dave/jennifer/jen"

	"github.com/infgen/infgen/ir"
)

// descriptorName is the generated package's descriptor variable; it cannot
// collide with a name made from a spec (ir reserves it).
const descriptorName = ir.DescriptorName

// serviceDescriptor is what the descriptor says of one service.
type serviceDescriptor struct {
	serviceName         string // the ServiceName constant
	binding             string
	register, newClient string
	stub, newStub       string
	methods             []string
}

// descriptorFile declares the package's descriptor and the runtime version
// guard.
func descriptorFile(f *jen.File, spec *ir.Spec, kind string, services []serviceDescriptor) {
	f.Comment("The runtime this package was generated for: compiling it against a runtime")
	f.Comment("that can no longer run it fails here; regenerate it with that runtime's infgen.")
	f.Const().Id("_").Op("=").Qual(pkgService, "SupportPackageIsVersion1")
	f.Line()
	f.Comment(descriptorName + " describes what this package offers, for tools such as infgen init worker.")
	strings := func(vs []string) jen.Code {
		return jen.Index().String().ValuesFunc(func(g *jen.Group) {
			for _, v := range vs {
				g.Lit(v)
			}
		})
	}
	info := []jen.Code{grpcField("Kind", jen.Lit(kind))}
	if spec.Title != "" {
		info = append(info, grpcField("Title", jen.Lit(spec.Title)))
	}
	if spec.Version != "" {
		info = append(info, grpcField("Version", jen.Lit(spec.Version)))
	}
	if len(spec.Files) > 0 {
		info = append(info, grpcField("Files", strings(spec.Files)))
	}
	var svcs []jen.Code
	for _, s := range services {
		svcs = append(svcs, jen.Values(grpcFields(
			grpcField("Name", jen.Id(s.serviceName)),
			grpcField("Binding", jen.Lit(s.binding)),
			grpcField("Register", jen.Lit(s.register)),
			grpcField("NewClient", jen.Lit(s.newClient)),
			grpcField("Stub", jen.Lit(s.stub)),
			grpcField("NewStub", jen.Lit(s.newStub)),
			grpcField("Methods", strings(s.methods)),
		)...))
	}
	f.Var().Id(descriptorName).Op("=").Qual(pkgService, "PackageDescriptor").Values(grpcFields(
		grpcField("Spec", jen.Qual(pkgService, "SpecInfo").Values(grpcFields(info...)...)),
		grpcField("Generator", jen.Lit("infgen "+generatorVersion())),
		grpcField("Services", jen.Index().Qual(pkgService, "ServiceDescriptor").Values(grpcFields(svcs...)...)),
	)...)
}

// generatorVersion is the version of the infgen module generating
// ("devel" when built from its own repository, as in tests).
func generatorVersion() string {
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

// descriptorFile of an OpenAPI package: one HTTP service.
func (g *oapiGen) descriptorFile(f *jen.File) {
	svc := g.svc
	methods := make([]string, len(svc.Methods))
	for i, m := range svc.Methods {
		methods[i] = m.Name
	}
	descriptorFile(f, g.spec, "openapi", []serviceDescriptor{{
		serviceName: "ServiceName", binding: "http", register: "Register", newClient: "NewHTTPClient",
		stub: ir.StubName(svc.Name), newStub: ir.NewStubName(svc.Name), methods: methods,
	}})
}

// descriptorFile of a proto package: its gRPC services.
func (g *grpcGen) descriptorFile(f *jen.File) {
	var services []serviceDescriptor
	for _, s := range g.services {
		n := g.names(s)
		var methods []string
		for _, m := range s.Methods {
			methods = append(methods, grpcRPCName(m))
		}
		services = append(services, serviceDescriptor{
			serviceName: n.ServiceName, binding: "grpc", register: n.Register, newClient: n.NewClient,
			stub: ir.StubName(s.Name), newStub: ir.NewStubName(s.Name), methods: methods,
		})
	}
	descriptorFile(f, g.spec, "proto", services)
}

package proto

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jhump/protoreflect/grpcreflect"
	"google.golang.org/grpc"

	"github.com/infgen/infgen/ir"
)

// ReflectParams describes a live server to introspect.
type ReflectParams struct {
	// Addr is the server's address ("localhost:50051"), used to dial when
	// Conn is nil and to name the source in the generated code.
	Addr string
	// Conn is an established connection; nil dials Addr with DialOptions.
	Conn grpc.ClientConnInterface
	// DialOptions are used when dialing Addr (transport credentials are
	// required by grpc.NewClient).
	DialOptions []grpc.DialOption
	// Services restricts generation to these fully qualified service names;
	// empty takes every service except the reflection service itself.
	Services []string
	// Package is the Go package name; empty derives it.
	Package string
	// GoImportPath is the import path of the output package, when known.
	GoImportPath string
	// GenerateImports generates the imported files into the output package
	// too (see BuildParams.GenerateImports).
	GenerateImports bool
}

// Reflect asks a server for its services through gRPC server reflection
// (v1, falling back to v1alpha) and returns their spec.
func Reflect(ctx context.Context, p ReflectParams) (*ir.Spec, error) {
	conn := p.Conn
	if conn == nil {
		cc, err := grpc.NewClient(p.Addr, p.DialOptions...)
		if err != nil {
			return nil, fmt.Errorf("proto: connect to %s: %w", p.Addr, err)
		}
		defer cc.Close()
		conn = cc
	}
	client := grpcreflect.NewClientAuto(ctx, conn)
	defer client.Reset()
	listed, err := client.ListServices()
	if err != nil {
		return nil, fmt.Errorf("proto: list services of %s through server reflection (is reflection registered on the server?): %w", p.Addr, err)
	}
	services := slices.DeleteFunc(listed, func(s string) bool { return strings.HasPrefix(s, "grpc.reflection.") })
	if len(p.Services) > 0 {
		for _, want := range p.Services {
			if !slices.Contains(services, want) {
				return nil, fmt.Errorf("proto: %s does not offer service %q (it offers %s)", p.Addr, want, strings.Join(services, ", "))
			}
		}
		services = slices.Clone(p.Services)
	}
	slices.Sort(services)
	if len(services) == 0 {
		return nil, fmt.Errorf("proto: %s offers no service besides reflection", p.Addr)
	}
	var (
		fl      flattener
		targets []string
	)
	for _, name := range services {
		sd, err := client.ResolveService(name)
		if err != nil {
			return nil, fmt.Errorf("proto: resolve service %s through reflection at %s: %w", name, p.Addr, err)
		}
		file := sd.GetFile().UnwrapFile()
		fl.add(file)
		if !slices.Contains(targets, file.Path()) {
			targets = append(targets, file.Path())
		}
	}
	files, warnings := standardGoPackages(fl.out)
	canonicalUnknown(files)
	spec, err := Build(BuildParams{
		Files:           files,
		Targets:         targets,
		Services:        services,
		Package:         p.Package,
		GoImportPath:    p.GoImportPath,
		Inputs:          []string{"grpc-reflect " + p.Addr},
		GenerateImports: p.GenerateImports,
	})
	if spec != nil {
		spec.Warnings = ir.SortWarnings(append(spec.Warnings, warnings...))
	}
	return spec, err
}

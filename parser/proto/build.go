package proto

import (
	"errors"
	"fmt"
	"slices"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/infgen/infgen/ir"
)

// BuildParams is what Build turns into a spec.
type BuildParams struct {
	// Files holds every file descriptor, dependencies before dependents.
	Files []*descriptorpb.FileDescriptorProto
	// Targets names the files whose services are generated.
	Targets []string
	// Services, when not empty, restricts generation to these fully
	// qualified service names of the targets.
	Services []string
	// Package is the Go package name; empty derives one.
	Package string
	// GoImportPath is the import path of the output package, when known.
	GoImportPath string
	// Inputs name the inputs (proto file names, or the reflected server)
	// for the spec's Files.
	Inputs []string
	// GenerateImports generates the imported files into the output package
	// too, except those whose go_package is a published Go package of
	// Google's (see publishedGoPackage). It is for imports whose own Go
	// package does not exist or cannot be imported (an internal package
	// of another module, test data that was never generated).
	GenerateImports bool
}

// Build makes the spec of the services declared in p.Targets. Files that
// declare no usable service still yield a spec (with a warning): its
// package holds the message types only.
func Build(p BuildParams) (*ir.Spec, error) {
	if len(p.Targets) == 0 {
		return nil, errors.New("proto: no file to generate")
	}
	byName := make(map[string]*descriptorpb.FileDescriptorProto, len(p.Files))
	for _, f := range p.Files {
		byName[f.GetName()] = f
	}
	for _, t := range p.Targets {
		if byName[t] == nil {
			return nil, fmt.Errorf("proto: no descriptor for requested file %q", t)
		}
	}
	generate := generatedSet(byName, p)
	if err := checkImportable(byName, generate, p.GoImportPath); err != nil {
		return nil, err
	}
	files := closure(p.Files, byName, generate)
	pkg := p.Package
	if pkg == "" {
		pkg = derivePackage(byName[p.Targets[0]])
	}
	pkg = ir.PackageName(pkg)

	gen, err := newPlugin(files, generate, p.GoImportPath, pkg)
	if err != nil {
		return nil, fmt.Errorf("proto: %w", err)
	}
	reserved, declaredAt, err := reservedNames(gen)
	if err != nil {
		return nil, err
	}
	b := &builder{gen: gen, scope: ir.NewScope(reserved...), declaredAt: declaredAt, fullNames: messageNames(files)}
	services, err := b.services(p.Targets, p.Services)
	if err != nil {
		return nil, err
	}
	if len(b.streams) > 0 {
		files, generate = b.addStreamFiles(files, generate)
		if gen, err = newPlugin(files, generate, p.GoImportPath, pkg); err != nil {
			return nil, fmt.Errorf("proto: stream wrapper messages: %w", err)
		}
		b.gen = gen
	}
	spec := &ir.Spec{
		Source:   ir.SourceProto,
		Package:  pkg,
		Files:    slices.Clone(p.Inputs),
		Warnings: ir.SortWarnings(b.warnings),
	}
	for _, s := range services {
		svc := b.service(s)
		if err := b.compensations(s, &svc); err != nil {
			return nil, err
		}
		spec.Services = append(spec.Services, svc)
	}
	// Services stay in declaration order (files in the order given).
	set, err := proto.MarshalOptions{Deterministic: true}.Marshal(&descriptorpb.FileDescriptorSet{File: files})
	if err != nil {
		return nil, fmt.Errorf("proto: encode descriptors: %w", err)
	}
	spec.Proto = &ir.ProtoFiles{
		FileDescriptorSet: set,
		Generate:          generate,
		GoImportPath:      p.GoImportPath,
		GoPackages:        goPackages(b.gen),
		QualifiedNames:    b.qualified && len(spec.Services) == 1,
	}
	if len(spec.Services) == 0 {
		spec.Warnings = ir.SortWarnings(append(spec.Warnings, ir.Warning{
			Pos:     ir.Pos{File: p.Targets[0]},
			Message: "no service with a unary or server-streaming method: only the message types are generated",
		}))
	}
	return spec, nil
}

// closure keeps the files the generated ones need, in the original order.
func closure(all []*descriptorpb.FileDescriptorProto, byName map[string]*descriptorpb.FileDescriptorProto, roots []string) []*descriptorpb.FileDescriptorProto {
	need := map[string]bool{}
	var walk func(string)
	walk = func(name string) {
		if need[name] || byName[name] == nil {
			return
		}
		need[name] = true
		for _, d := range byName[name].GetDependency() {
			walk(d)
		}
	}
	for _, r := range roots {
		walk(r)
	}
	var out []*descriptorpb.FileDescriptorProto
	for _, f := range all {
		if need[f.GetName()] {
			out = append(out, f)
		}
	}
	return out
}

// goImportPath is the import path part of a file's go_package option.
func goImportPath(f *descriptorpb.FileDescriptorProto) string {
	gp := f.GetOptions().GetGoPackage()
	for i := range len(gp) {
		if gp[i] == ';' {
			return gp[:i]
		}
	}
	return gp
}

// derivePackage picks a package name: the go_package name of the file, else
// the last element of its import path, else of its proto package.
func derivePackage(f *descriptorpb.FileDescriptorProto) string {
	gp := f.GetOptions().GetGoPackage()
	name := gp
	for i := len(gp) - 1; i >= 0; i-- {
		if gp[i] == ';' {
			return gp[i+1:]
		}
		if gp[i] == '/' && name == gp {
			name = gp[i+1:]
		}
	}
	if name != "" {
		return name
	}
	pkg := f.GetPackage()
	for i := len(pkg) - 1; i >= 0; i-- {
		if pkg[i] == '.' {
			return pkg[i+1:]
		}
	}
	if pkg == "" {
		return "api"
	}
	return pkg
}

// messageNames lists the full names of all messages, to keep synthesized
// ones unique.
func messageNames(files []*descriptorpb.FileDescriptorProto) map[string]bool {
	out := map[string]bool{}
	var walk func(prefix string, ms []*descriptorpb.DescriptorProto)
	walk = func(prefix string, ms []*descriptorpb.DescriptorProto) {
		for _, m := range ms {
			full := prefix + m.GetName()
			out[full] = true
			walk(full+".", m.GetNestedType())
		}
	}
	for _, f := range files {
		prefix := ""
		if f.GetPackage() != "" {
			prefix = f.GetPackage() + "."
		}
		walk(prefix, f.GetMessageType())
	}
	return out
}

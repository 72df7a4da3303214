package proto

import (
	"cmp"
	"errors"
	"fmt"
	"go/token"
	"slices"
	"strings"

	"google.golang.org/protobuf/compiler/protogen"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/pluginpb"

	"github.com/infgen/infgen/ir"
)

// The parser decides which Go package every proto file's code lives in, as
// protoc-gen-go would (protogen is the authority on those names), and hands
// the result to the generator in ir.ProtoFiles.GoPackages: the generator
// emits the .pb.go files with exactly these import mappings and never
// derives them again.

// defaultImportPath is the import path given to the output package when the
// caller does not know it. It never appears in generated code: every file of
// the output package refers to the others without qualification.
const defaultImportPath = "infgen.invalid/generated"

// unresolvedImportPath prefixes the import paths given to files that have
// no go_package and are not generated (see newPlugin).
const unresolvedImportPath = "infgen.invalid/unresolved"

// newPlugin builds the protogen plugin that protoc-gen-go would run for
// generating the files named in generate into the Go package pkg at
// importPath ("" when unknown), without generating anything: the parser
// reads Go identifiers and Go packages off it.
func newPlugin(files []*descriptorpb.FileDescriptorProto, generate []string, importPath, pkg string) (*protogen.Plugin, error) {
	if pkg == "" {
		return nil, errors.New("no Go package name given for the output package")
	}
	importPath = cmp.Or(importPath, defaultImportPath)
	params := []string{"paths=source_relative"}
	for _, name := range generate {
		if strings.ContainsAny(name, ",=") {
			return nil, fmt.Errorf("proto file name %q contains ',' or '=', which protoc plugin parameters cannot carry; rename the file", name)
		}
		params = append(params, "M"+name+"="+importPath+";"+pkg)
	}
	// A file outside the output package that declares no go_package, or
	// one Go code cannot import (see checkGoPackage), is only reached
	// through another package's imports (the output never refers to it:
	// checkImportable rejects direct imports of such files); protogen
	// still needs a valid import path for it.
	for _, f := range files {
		name := f.GetName()
		gp := f.GetOptions().GetGoPackage()
		if path, _, _ := strings.Cut(gp, ";"); path != "" && checkGoPackage(gp) == nil || slices.Contains(generate, name) || strings.ContainsAny(name, ",=") {
			continue
		}
		params = append(params, "M"+name+"="+unresolvedImportPath+"/"+strings.TrimSuffix(name, ".proto"))
	}
	req := &pluginpb.CodeGeneratorRequest{
		FileToGenerate: generate,
		Parameter:      new(strings.Join(params, ",")),
		ProtoFile:      files,
	}
	gen, err := protogen.Options{}.New(req)
	if err != nil {
		return nil, fmt.Errorf("prepare Go code generation: %w", err)
	}
	return gen, nil
}

// goPackages lists the Go package of every file of gen that is not
// generated into the output package, in the plugin's (the descriptor
// set's) order.
func goPackages(gen *protogen.Plugin) []ir.ProtoGoPackage {
	var out []ir.ProtoGoPackage
	for _, f := range gen.Files {
		if !f.Generate {
			out = append(out, ir.ProtoGoPackage{File: f.Desc.Path(), ImportPath: string(f.GoImportPath), Name: string(f.GoPackageName)})
		}
	}
	return out
}

// checkGoPackage reports why a go_package option ("path" or "path;name")
// cannot be imported by generated Go code, or nil when it can. protoc-gen-go
// rejects import paths without '.' or '/' outright and emits invalid code
// for relative paths and for package names that are no Go identifiers;
// old .proto files declare such options ("pb", "./pkg", "x;1abc").
func checkGoPackage(goPackage string) error {
	path, name, _ := strings.Cut(goPackage, ";")
	switch {
	case path == "":
		return nil // no import path: the file has no Go package of its own
	case !strings.ContainsAny(path, "./"):
		return fmt.Errorf("go_package %q is no Go import path (it has no '.' or '/')", goPackage)
	case strings.HasPrefix(path, ".") || strings.HasPrefix(path, "/"):
		return fmt.Errorf("go_package %q is a relative or absolute file path, not a Go import path", goPackage)
	case strings.ContainsAny(path, " ,=\\"):
		return fmt.Errorf("go_package %q has characters Go import paths cannot hold", goPackage)
	case name != "" && token.IsKeyword(name):
		return fmt.Errorf("go_package %q names the Go package %q, a Go keyword", goPackage, name)
	case name != "" && !token.IsIdentifier(name):
		return fmt.Errorf("go_package %q names the Go package %q, which is no Go identifier", goPackage, name)
	}
	return nil
}

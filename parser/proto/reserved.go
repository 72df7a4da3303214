package proto

import (
	"fmt"
	"strings"

	"google.golang.org/protobuf/compiler/protogen"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/infgen/infgen/ir"
)

// declared is a package-level Go identifier protoc-gen-go declares, with
// the proto declaration it comes from.
type declared struct {
	name string
	desc protoreflect.Descriptor
}

// reservedNames lists the package-level identifiers protoc-gen-go declares
// in the output package, so that generated service names avoid them. Two
// generated files declaring the same Go identifier (messages of different
// proto packages with one name) cannot share a Go package: that is an
// *Error at the second declaration, naming the first. The map tells which
// declaration each identifier comes from.
func reservedNames(gen *protogen.Plugin) ([]string, map[string]protoreflect.Descriptor, error) {
	var names []string
	owner := map[string]protoreflect.Descriptor{}
	for _, f := range gen.Files {
		if !f.Generate {
			continue
		}
		for _, d := range fileDeclarations(f) {
			if first, ok := owner[d.name]; ok && first.ParentFile().Path() != f.Desc.Path() {
				return nil, nil, &Error{Pos: declPos(d.desc), Err: fmt.Errorf(
					"%s and %s (%s) both become the Go identifier %s, and both files are generated into the output package; %s",
					d.desc.FullName(), first.FullName(), declPos(first), d.name, clashAdvice(gen, f.Desc.Path(), first.ParentFile().Path()))}
			}
			owner[d.name] = d.desc
			names = append(names, d.name)
		}
	}
	return names, owner, nil
}

// fileDeclarations lists the package-level identifiers of one file.
func fileDeclarations(f *protogen.File) []declared {
	out := []declared{{f.GoDescriptorIdent.GoName, f.Desc}}
	enum := func(e *protogen.Enum) {
		n := e.GoIdent.GoName
		out = append(out, declared{n, e.Desc}, declared{n + "_name", e.Desc}, declared{n + "_value", e.Desc})
		for _, v := range e.Values {
			out = append(out, declared{v.GoIdent.GoName, v.Desc})
		}
	}
	var message func(m *protogen.Message)
	message = func(m *protogen.Message) {
		out = append(out, declared{m.GoIdent.GoName, m.Desc})
		for _, fd := range m.Fields {
			if fd.Oneof != nil {
				out = append(out, declared{fd.GoIdent.GoName, fd.Desc})
			}
			if fd.Desc.HasDefault() {
				out = append(out, declared{"Default_" + m.GoIdent.GoName + "_" + fd.GoName, fd.Desc})
			}
		}
		for _, e := range m.Enums {
			enum(e)
		}
		for _, n := range m.Messages {
			message(n)
		}
		for _, x := range m.Extensions {
			out = append(out, declared{x.GoIdent.GoName, x.Desc})
		}
	}
	for _, e := range f.Enums {
		enum(e)
	}
	for _, m := range f.Messages {
		message(m)
	}
	for _, x := range f.Extensions {
		out = append(out, declared{x.GoIdent.GoName, x.Desc})
	}
	return out
}

// declPos is where a declaration is (proto file name, 1-based).
func declPos(d protoreflect.Descriptor) ir.Pos {
	file := d.ParentFile()
	p := ir.Pos{File: file.Path()}
	if loc := file.SourceLocations().ByDescriptor(d); loc.Path != nil {
		p.Line, p.Col = loc.StartLine+1, loc.StartColumn+1
	}
	return p
}

// clashAdvice says how to keep two generated files from sharing the
// output package: a file without go_package is only there because it has
// none, so mapping it to its Go package is the fix.
func clashAdvice(gen *protogen.Plugin, files ...string) string {
	var unmapped []string
	for _, name := range files {
		if f := gen.FilesByPath[name]; f != nil && f.Proto.GetOptions().GetGoPackage() == "" {
			unmapped = append(unmapped, name)
		}
	}
	switch len(unmapped) {
	case 1:
		return fmt.Sprintf("%s declares no go_package, so it is generated into the output package: give it the import path of its Go package with --go-package %s=IMPORT_PATH", unmapped[0], unmapped[0])
	case 2:
		return fmt.Sprintf("%s declare no go_package, so they are generated into the output package: give each the import path of its Go package with --go-package FILE=IMPORT_PATH", strings.Join(unmapped, " and "))
	}
	return "generate them in separate runs (separate packages), or leave one file out of the run so that the output imports its go_package"
}

package proto

import (
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/infgen/infgen/ir"
)

// generatedSet returns, sorted, the targets plus every file they import
// (transitively) that shares a target's go_package or the output's import
// path, or has no go_package; with p.GenerateImports, every imported file
// but those of published Go packages.
func generatedSet(byName map[string]*descriptorpb.FileDescriptorProto, p BuildParams) []string {
	pkgs := map[string]bool{}
	for _, t := range p.Targets {
		if gp := goImportPath(byName[t]); gp != "" {
			pkgs[gp] = true
		}
	}
	if p.GoImportPath != "" {
		pkgs[p.GoImportPath] = true
	}
	in := map[string]bool{}
	var out []string
	var walk func(name string, target bool)
	walk = func(name string, target bool) {
		f := byName[name]
		if f == nil || in[name] {
			return
		}
		gp := goImportPath(f)
		switch {
		case target, gp == "", pkgs[gp]:
		case !p.GenerateImports, publishedGoPackage(gp):
			return
		}
		in[name] = true
		out = append(out, name)
		for _, d := range f.GetDependency() {
			walk(d, false)
		}
	}
	for _, t := range p.Targets {
		walk(t, true)
	}
	slices.Sort(out)
	return out
}

// publishedGoPackage reports whether a go_package import path is one of
// the Go packages Google publishes for its proto files (the well-known
// types, genproto's googleapis, the Cloud client libraries, gRPC's own):
// those always exist, so they are imported, never generated.
func publishedGoPackage(importPath string) bool {
	return strings.HasPrefix(importPath, "google.golang.org/") || strings.HasPrefix(importPath, "cloud.google.com/go/")
}

// checkImportable fails when a generated file imports a file whose Go
// package the output package could not import: a go_package that is no
// Go import path (at that option, see checkGoPackage), or, at the
// import statement, an internal package of another module (Go's internal
// rule, judged against outputPath, the output's import path; "" when
// unknown, which allows no internal package).
func checkImportable(byName map[string]*descriptorpb.FileDescriptorProto, generate []string, outputPath string) error {
	for _, name := range generate {
		f := byName[name]
		for i, dep := range f.GetDependency() {
			d := byName[dep]
			if d == nil || slices.Contains(generate, dep) || slices.Contains(f.GetWeakDependency(), int32(i)) {
				continue
			}
			if err := checkGoPackage(d.GetOptions().GetGoPackage()); err != nil {
				return &Error{Pos: goPackagePos(d), Err: fmt.Errorf(
					"%s (imported at %s), so the generated code cannot import it; map %s to its Go package with --go-package %s=IMPORT_PATH, or generate it into the output package too (--generate-imports)",
					err, importPos(f, i), dep, dep)}
			}
			gp := goImportPath(d)
			if internalAllowed(gp, outputPath) {
				continue
			}
			where := "an output package whose import path is unknown (no go.mod above --out)"
			if outputPath != "" {
				where = outputPath
			}
			return &Error{Pos: importPos(f, i), Err: fmt.Errorf(
				"%s has go_package %q, an internal Go package that %s cannot import; "+
					"generate the imported files into the output package too (--generate-imports), or generate into a package inside %s",
				dep, gp, where, strings.TrimSuffix(gp[:internalRoot(gp)], "/"))}
		}
	}
	return nil
}

// internalRoot is the length of the prefix of importPath that may import
// it: up to its last "internal" element, or -1 when it has none.
func internalRoot(importPath string) int {
	switch {
	case importPath == "internal" || strings.HasPrefix(importPath, "internal/"):
		return 0
	case strings.HasSuffix(importPath, "/internal"):
		return len(importPath) - len("internal")
	}
	if i := strings.LastIndex(importPath, "/internal/"); i >= 0 {
		return i + 1
	}
	return -1
}

// internalAllowed reports whether a package at from may import importPath
// under Go's internal-package rule.
func internalAllowed(importPath, from string) bool {
	root := internalRoot(importPath)
	if root < 0 {
		return true
	}
	parent := strings.TrimSuffix(importPath[:root], "/")
	if from == "" || parent == "" {
		return false
	}
	return from == parent || strings.HasPrefix(from, parent+"/")
}

// importPos is where the i-th import statement of f is (proto file name,
// 1-based), or the file alone without source info.
func importPos(f *descriptorpb.FileDescriptorProto, i int) ir.Pos {
	p := ir.Pos{File: f.GetName()}
	for _, loc := range f.GetSourceCodeInfo().GetLocation() {
		if path := loc.GetPath(); len(path) == 2 && path[0] == 3 && path[1] == int32(i) && len(loc.GetSpan()) >= 2 {
			p.Line, p.Col = int(loc.GetSpan()[0])+1, int(loc.GetSpan()[1])+1
			return p
		}
	}
	return p
}

// mapGoPackages returns files with the go_package of each file named in
// goPackages replaced (on a copy of its descriptor).
func mapGoPackages(files []*descriptorpb.FileDescriptorProto, goPackages map[string]string) []*descriptorpb.FileDescriptorProto {
	if len(goPackages) == 0 {
		return files
	}
	out := make([]*descriptorpb.FileDescriptorProto, len(files))
	for i, f := range files {
		out[i] = f
		gp, ok := goPackages[f.GetName()]
		if !ok {
			continue
		}
		c := proto.CloneOf(f)
		if c.Options == nil {
			c.Options = &descriptorpb.FileOptions{}
		}
		c.Options.GoPackage = &gp
		out[i] = c
	}
	return out
}

// goPackagePos is where the go_package option of f is, or the file alone.
func goPackagePos(f *descriptorpb.FileDescriptorProto) ir.Pos {
	p := ir.Pos{File: f.GetName()}
	for _, loc := range f.GetSourceCodeInfo().GetLocation() {
		if path := loc.GetPath(); len(path) == 2 && path[0] == 8 && path[1] == 11 && len(loc.GetSpan()) >= 2 {
			p.Line, p.Col = int(loc.GetSpan()[0])+1, int(loc.GetSpan()[1])+1
			return p
		}
	}
	return p
}

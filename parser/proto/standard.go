package proto

import (
	"fmt"
	"os"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/infgen/infgen/ir"
)

// standardGoPackages gives the standard google/protobuf/*.proto files (the
// well-known types, descriptor.proto, plugin.proto, the feature files)
// that a compile read from the import paths the go_package of the built-in
// file of that name, which is where protoc-gen-go's Go code for it lives.
// Like protoc, the compiler takes a standard file from the import paths
// when one is there (a project may extend descriptor.proto), but projects
// vendor old copies with a go_package protoc-gen-go rejects or that is not
// google.golang.org/protobuf (gogo's descriptor.proto says "descriptor"):
// generated code must still import the real package. Each replaced
// go_package is a warning at the copy (named by its proto file name).
// Descriptors a server sends through reflection get the same treatment.
func standardGoPackages(files []*descriptorpb.FileDescriptorProto) ([]*descriptorpb.FileDescriptorProto, []ir.Warning) {
	var warnings []ir.Warning
	std := protocompile.WithStandardImports(noFiles{})
	out := make([]*descriptorpb.FileDescriptorProto, len(files))
	for i, f := range files {
		out[i] = f
		sr, err := std.FindFileByPath(f.GetName())
		if err != nil || sr.Desc == nil {
			continue
		}
		want := goPackageOf(sr.Desc)
		if want == "" || f.GetOptions().GetGoPackage() == want {
			continue
		}
		warnings = append(warnings, ir.Warning{
			Pos: ir.Pos{File: f.GetName()},
			Message: fmt.Sprintf("the go_package of this copy of %s is taken as %q, the Go package protoc-gen-go maps the standard file to",
				f.GetName(), want),
		})
		c := proto.CloneOf(f)
		if c.Options == nil {
			c.Options = &descriptorpb.FileOptions{}
		}
		c.Options.GoPackage = &want
		out[i] = c
	}
	return out, warnings
}

// noFiles is a resolver that finds nothing.
type noFiles struct{}

// FindFileByPath implements protocompile.Resolver.
func (noFiles) FindFileByPath(string) (protocompile.SearchResult, error) {
	return protocompile.SearchResult{}, os.ErrNotExist
}

package proto

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/bufbuild/protocompile"

	"github.com/infgen/infgen/ir"
)

// standardResolver serves the standard google/protobuf/*.proto files (the
// well-known types, descriptor.proto, plugin.proto and the feature files)
// from the descriptors built into infgen, before the import paths are
// searched. protoc-gen-go maps those files to the Go packages of
// google.golang.org/protobuf, so a copy on the import paths (projects
// vendor old ones, such as gogo's descriptor.proto with go_package
// "descriptor") must not replace them: its go_package would be wrong and
// the generated code would not compile.
type standardResolver struct {
	res *resolver
	std protocompile.Resolver
}

// newStandardResolver returns a standardResolver in front of res.
func newStandardResolver(res *resolver) standardResolver {
	return standardResolver{res: res, std: protocompile.WithStandardImports(noFiles{})}
}

// FindFileByPath implements protocompile.Resolver: the built-in file for a
// standard import (recording any copy it shadows), else res.
func (r standardResolver) FindFileByPath(name string) (protocompile.SearchResult, error) {
	if strings.HasPrefix(name, "google/protobuf/") {
		if sr, err := r.std.FindFileByPath(name); err == nil {
			r.res.noteShadowed(name, goPackageOf(sr.Desc))
			return sr, nil
		}
	}
	return r.res.FindFileByPath(name)
}

// noFiles is a resolver that finds nothing.
type noFiles struct{}

// FindFileByPath implements protocompile.Resolver.
func (noFiles) FindFileByPath(string) (protocompile.SearchResult, error) {
	return protocompile.SearchResult{}, os.ErrNotExist
}

// noteShadowed records where a copy of the standard file name sits on the
// import paths, if the first one found does not declare goPackage (the
// go_package of the built-in file): only such a copy differs in a way
// that matters to the generated code.
func (r *resolver) noteShadowed(name, goPackage string) {
	for _, dir := range r.dirs {
		p := filepath.Join(dir, filepath.FromSlash(name))
		content, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if bytes.Contains(content, []byte(strconv.Quote(goPackage))) {
			return
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		if !slices.ContainsFunc(r.shadowed, func(s shadowedFile) bool { return s.path == p }) {
			r.shadowed = append(r.shadowed, shadowedFile{path: p, name: name, goPackage: goPackage})
		}
		return
	}
}

// shadowedFile is a copy of a standard file, on the import paths, that
// was ignored.
type shadowedFile struct {
	path, name, goPackage string
}

// shadowWarnings lists the copies of standard files that were ignored.
func (r *resolver) shadowWarnings() []ir.Warning {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]ir.Warning, 0, len(r.shadowed))
	for _, s := range r.shadowed {
		out = append(out, ir.Warning{
			Pos: ir.Pos{File: s.path},
			Message: fmt.Sprintf("this copy of %s is ignored: its go_package is not %q, the Go package protoc-gen-go maps the standard file to; the built-in %s is used",
				s.name, s.goPackage, s.name),
		})
	}
	return out
}

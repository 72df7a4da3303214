package proto

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/linker"
	"github.com/bufbuild/protocompile/reporter"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/infgen/infgen/ir"
)

// maxReportedErrors bounds how many compile errors one failure lists.
const maxReportedErrors = 20

// Params describes .proto source files to read.
type Params struct {
	// ImportPaths are the directories imports are resolved against, in
	// order (protoc's -I). When empty, the directories of the files are
	// used, then the current directory.
	ImportPaths []string
	// Files are the .proto files to generate, as paths on disk or as names
	// relative to an import path. A file outside every import path is
	// found through its own directory.
	Files []string
	// Package is the Go package name of the output; empty derives it from
	// the go_package of the first file, or from its proto package.
	Package string
	// GoImportPath is the import path of the output package, when known.
	GoImportPath string
	// GenerateImports generates the imported files into the output
	// package too (see BuildParams.GenerateImports).
	GenerateImports bool
	// GoPackages maps proto file names (as imported) to the go_package
	// they are taken to declare ("example.com/x/pb" or
	// "example.com/x/pb;pb"), overriding theirs: protoc-gen-go's M option,
	// for files that declare none and are generated elsewhere.
	GoPackages map[string]string
}

// Error is a problem in a .proto file, at a known position.
type Error struct {
	// Pos is the position, with File as the path on disk when known.
	Pos ir.Pos
	// Err is the underlying error.
	Err error
}

// Error formats the problem as "file:line:col: message".
func (e *Error) Error() string { return e.Pos.String() + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Load compiles the files of p with their imports and returns the spec.
// Warnings name the files by their path on disk.
func Load(ctx context.Context, p Params) (*ir.Spec, error) {
	if len(p.Files) == 0 {
		return nil, errors.New("proto: no .proto files given")
	}
	fds, names, res, err := compile(ctx, p.ImportPaths, p.Files)
	if err != nil {
		return nil, err
	}
	fds = mapGoPackages(fds, p.GoPackages)
	spec, err := Build(BuildParams{
		Files:           fds,
		Targets:         names,
		Package:         p.Package,
		GoImportPath:    p.GoImportPath,
		Inputs:          names,
		GenerateImports: p.GenerateImports,
	})
	var perr *Error
	if errors.As(err, &perr) {
		perr.Pos.File = res.diskPath(perr.Pos.File)
	}
	if spec != nil {
		spec.Warnings = append(spec.Warnings, res.shadowed...)
		for i, w := range spec.Warnings {
			spec.Warnings[i].Pos.File = res.diskPath(w.Pos.File)
		}
		spec.Warnings = ir.SortWarnings(spec.Warnings)
	}
	return spec, err
}

// Compile parses and links the given files and everything they import. It
// returns every file descriptor, dependencies before dependents, and the
// names (relative to the import paths) of the requested files.
func Compile(ctx context.Context, importPaths, files []string) ([]*descriptorpb.FileDescriptorProto, []string, error) {
	fds, names, _, err := compile(ctx, importPaths, files)
	return fds, names, err
}

// compile is Compile, also returning the resolver that knows where each
// file was found.
func compile(ctx context.Context, importPaths, files []string) ([]*descriptorpb.FileDescriptorProto, []string, *resolver, error) {
	res := newResolver(importPaths, files)
	names := make([]string, 0, len(files))
	for _, f := range files {
		name, err := res.nameOf(f)
		if err != nil {
			return nil, nil, nil, err
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	linked, errs, err := link(ctx, importChain(res), res, names)
	var un *unshadowing
	if err != nil && slices.ContainsFunc(errs, shadowedError) {
		// A method's type named like a method of its service: link again
		// with those methods renamed (see unshadowing).
		// When that fails too, the first errors (protoc's) are reported.
		un = &unshadowing{res: res}
		if l, _, err2 := link(ctx, importChain(un), res, names); err2 == nil {
			linked, errs, err = l, nil, nil
		}
	}
	if err != nil {
		if len(errs) > 0 {
			slices.SortStableFunc(errs, comparePositioned)
			return nil, nil, nil, errors.Join(errs...)
		}
		return nil, nil, nil, res.explain(err)
	}
	flat := flatten(linked)
	if un != nil {
		un.restore(flat)
		res.shadowed = append(res.shadowed, un.warnings...)
	}
	fds, warnings := standardGoPackages(flat)
	res.shadowed = append(res.shadowed, warnings...)
	canonicalUnknown(fds)
	return fds, names, res, nil
}

// link compiles the named files through resolver and returns the linked
// files, or the positioned errors (at most maxReportedErrors) and the
// compiler's error.
func link(ctx context.Context, resolver protocompile.Resolver, res *resolver, names []string) (linker.Files, []error, error) {
	var (
		mu   sync.Mutex
		errs []error
	)
	rep := reporter.NewReporter(func(e reporter.ErrorWithPos) error {
		mu.Lock()
		defer mu.Unlock()
		errs = append(errs, res.positioned(e))
		if len(errs) >= maxReportedErrors {
			return errors.Join(errs...)
		}
		return nil
	}, nil)
	c := protocompile.Compiler{
		Resolver:       resolver,
		Reporter:       rep,
		SourceInfoMode: protocompile.SourceInfoStandard,
		MaxParallelism: 2,
	}
	linked, err := c.Compile(ctx, names...)
	mu.Lock()
	defer mu.Unlock()
	return linked, errs, err
}

// importChain resolves imports from the import paths first, then from the
// standard google/protobuf/* files, then from the common googleapis files
// linked into the binary (standardGoPackages then fixes the go_package of
// standard files read from the import paths). When none has a file, the import-path resolver's
// error (naming the paths searched) is the one reported.
func importChain(files protocompile.Resolver) protocompile.Resolver {
	return protocompile.CompositeResolver{
		protocompile.WithStandardImports(files),
		linkedResolver{files: protoregistry.GlobalFiles},
	}
}

func comparePositioned(a, b error) int {
	var pa, pb *Error
	if errors.As(a, &pa) && errors.As(b, &pb) {
		return pa.Pos.Compare(pb.Pos)
	}
	return 0
}

// flatten lists the files and their imports, dependencies first.
func flatten(files linker.Files) []*descriptorpb.FileDescriptorProto {
	var fl flattener
	for _, f := range files {
		fl.add(f)
	}
	return fl.out
}

// flattener collects file descriptors, each once, dependencies first.
type flattener struct {
	out  []*descriptorpb.FileDescriptorProto
	seen map[string]bool
}

// add adds f after its imports.
func (fl *flattener) add(f protoreflect.FileDescriptor) {
	if fl.seen == nil {
		fl.seen = map[string]bool{}
	}
	if fl.seen[f.Path()] {
		return
	}
	fl.seen[f.Path()] = true
	imports := f.Imports()
	for i := range imports.Len() {
		fl.add(imports.Get(i).FileDescriptor)
	}
	if r, ok := f.(linker.Result); ok {
		fl.out = append(fl.out, r.FileDescriptorProto())
		return
	}
	fl.out = append(fl.out, protodesc.ToFileDescriptorProto(f))
}

// resolver finds imports in the import paths and remembers where each file
// came from, so that errors name the path on disk.
type resolver struct {
	dirs []string

	mu       sync.Mutex
	paths    map[string]string // import name → path on disk
	shadowed []ir.Warning      // standard files on disk whose go_package was replaced    // ignored copies of standard files, on disk
}

func newResolver(importPaths, files []string) *resolver {
	dirs := slices.Clone(importPaths)
	if len(dirs) == 0 {
		// Without -I: each file's own directory (so that sibling imports
		// resolve), then the current directory.
		for _, f := range files {
			if d := filepath.Dir(f); !slices.Contains(dirs, d) {
				dirs = append(dirs, d)
			}
		}
		if !slices.Contains(dirs, ".") {
			dirs = append(dirs, ".")
		}
	}
	return &resolver{dirs: dirs, paths: map[string]string{}}
}

// nameOf turns a command-line file into its import name: the path relative
// to the first import path containing it, the name itself when an import
// path holds it, else its base name with its directory added to the paths.
func (r *resolver) nameOf(file string) (string, error) {
	if st, err := os.Stat(file); err == nil && st.IsDir() {
		return "", fmt.Errorf("proto: %s is a directory: give the .proto files to generate (such as %s)", file, filepath.Join(file, "*.proto"))
	}
	abs, err := filepath.Abs(file)
	if err == nil {
		for _, dir := range r.dirs {
			d, derr := filepath.Abs(dir)
			if derr != nil {
				continue
			}
			rel, rerr := filepath.Rel(d, abs)
			if rerr == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				if _, serr := os.Stat(abs); serr == nil {
					return filepath.ToSlash(rel), nil
				}
			}
		}
	}
	if !filepath.IsAbs(file) {
		for _, dir := range r.dirs {
			if _, serr := os.Stat(filepath.Join(dir, file)); serr == nil {
				return filepath.ToSlash(filepath.Clean(file)), nil
			}
		}
	}
	if _, serr := os.Stat(file); serr != nil {
		return "", fmt.Errorf("proto: read %s: %w (give the file's path, or its name relative to an -I import path)", file, serr)
	}
	r.dirs = append(r.dirs, filepath.Dir(file))
	return filepath.Base(file), nil
}

// FindFileByPath implements protocompile.Resolver.
func (r *resolver) FindFileByPath(name string) (protocompile.SearchResult, error) {
	for _, dir := range r.dirs {
		p := filepath.Join(dir, filepath.FromSlash(name))
		f, err := os.Open(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return protocompile.SearchResult{}, fmt.Errorf("open %s: %w", p, err)
		}
		r.mu.Lock()
		r.paths[name] = p
		r.mu.Unlock()
		return protocompile.SearchResult{Source: f}, nil
	}
	return protocompile.SearchResult{}, &notFoundError{name: name, dirs: r.dirs, linkable: isLinkable(name)}
}

// notFoundError is the error for an import found nowhere: not in the
// import paths and, for the googleapis directories served from the
// descriptors linked into the binary, not among those either. It matches
// fs.ErrNotExist.
type notFoundError struct {
	name     string
	dirs     []string
	linkable bool
}

// Error names the file, where it was looked for, and what to do.
func (e *notFoundError) Error() string {
	dirs := make([]string, len(e.dirs))
	for i, d := range e.dirs {
		dirs[i] = d
		if _, err := os.Stat(d); err != nil {
			dirs[i] += " (which does not exist)"
		}
	}
	where := "import paths " + strings.Join(dirs, ", ")
	if e.linkable {
		where += " or among the googleapis files built into infgen"
	}
	if hint := importHint(e.name); hint != "" {
		return fmt.Sprintf("%q not found in %s (%s)", e.name, where, hint)
	}
	return fmt.Sprintf("%q not found in %s (add the directory holding it with -I)", e.name, where)
}

// Is reports whether target is fs.ErrNotExist.
func (e *notFoundError) Is(target error) bool { return target == fs.ErrNotExist }

// diskPath is where the file with the given import name was read, or the
// name itself for built-in files.
func (r *resolver) diskPath(name string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if p, ok := r.paths[name]; ok {
		return p
	}
	return name
}

// positioned converts a compiler error to an *Error naming the disk path.
func (r *resolver) positioned(e reporter.ErrorWithPos) error {
	pos := e.GetPosition()
	return &Error{Pos: ir.Pos{File: r.diskPath(pos.Filename), Line: pos.Line, Col: pos.Col}, Err: e.Unwrap()}
}

// explain words an error that has no position (a requested file missing).
func (r *resolver) explain(err error) error {
	var ep reporter.ErrorWithPos
	if errors.As(err, &ep) {
		return r.positioned(ep)
	}
	var nf *notFoundError
	if errors.As(err, &nf) {
		return fmt.Errorf("proto: %w", err)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("proto: %w (add the directory holding it with -I)", err)
	}
	return fmt.Errorf("proto: compile: %w", err)
}

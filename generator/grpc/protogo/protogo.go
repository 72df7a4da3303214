package protogo

import (
	"cmp"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	gengo "google.golang.org/protobuf/cmd/protoc-gen-go/internal_gengo"
	"google.golang.org/protobuf/compiler/protogen"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/pluginpb"

	"github.com/infgen/infgen/ir"
)

// DefaultImportPath is the import path given to the output package when the
// caller does not know it. It never appears in generated code: every file of
// the output package refers to the others without qualification.
const DefaultImportPath = "infgen.invalid/generated"

// Params describes one generation run.
type Params struct {
	// Files holds every file descriptor involved, dependencies before
	// dependents (the order of a FileDescriptorSet produced by a compiler).
	Files []*descriptorpb.FileDescriptorProto
	// Generate lists the names of the files whose Go code goes into the
	// output package. Their go_package options are overridden.
	Generate []string
	// ImportPath is the Go import path of the output package
	// (DefaultImportPath when empty).
	ImportPath string
	// PackageName is the Go package name of the output package.
	PackageName string
	// GoPackages map other files to their Go packages (protoc's M
	// option), overriding their go_package options; a file not listed
	// keeps its go_package.
	GoPackages []ir.ProtoGoPackage
}

// File is one generated Go source file.
type File struct {
	// Name is the file name inside the output directory ("helloworld.pb.go").
	Name string
	// Content is the gofmt'd source.
	Content []byte
}

// newPlugin builds the protogen plugin protoc-gen-go runs for p.
func newPlugin(p Params) (*protogen.Plugin, error) {
	if p.PackageName == "" {
		return nil, errors.New("protogo: no Go package name given for the output package")
	}
	importPath := cmp.Or(p.ImportPath, DefaultImportPath)
	params := []string{"paths=source_relative"}
	for _, name := range p.Generate {
		if strings.ContainsAny(name, ",=") {
			return nil, fmt.Errorf("protogo: proto file name %q contains ',' or '=', which protoc plugin parameters cannot carry; rename the file", name)
		}
		params = append(params, "M"+name+"="+importPath+";"+p.PackageName)
	}
	for _, gp := range p.GoPackages {
		if slices.Contains(p.Generate, gp.File) || strings.ContainsAny(gp.File, ",=") {
			continue // a name protoc parameters cannot carry keeps its go_package
		}
		params = append(params, "M"+gp.File+"="+gp.ImportPath+";"+gp.Name)
	}
	req := &pluginpb.CodeGeneratorRequest{
		FileToGenerate: p.Generate,
		Parameter:      new(strings.Join(params, ",")),
		ProtoFile:      p.Files,
	}
	gen, err := protogen.Options{}.New(req)
	if err != nil {
		return nil, fmt.Errorf("protogo: prepare Go code generation: %w", err)
	}
	return gen, nil
}

// Generate returns the .pb.go files for the files in p.Generate, sorted by
// name. Output names are the proto file's base name with .pb.go; when two
// generated files share a base name, their directory is folded into the
// name ("a_b_resources.pb.go") so that they can live side by side.
func Generate(p Params) ([]File, error) {
	gen, err := newPlugin(p)
	if err != nil {
		return nil, err
	}
	names := OutputNames(p.Generate)
	prefixes := make(map[string]string, len(p.Generate))
	for _, f := range gen.Files {
		if !f.Generate {
			continue
		}
		gengo.GenerateFile(gen, f)
		prefixes[f.GeneratedFilenamePrefix+".pb.go"] = names[f.Desc.Path()]
	}
	gen.SupportedFeatures = gengo.SupportedFeatures
	gen.SupportedEditionsMinimum = gengo.SupportedEditionsMinimum
	gen.SupportedEditionsMaximum = gengo.SupportedEditionsMaximum
	resp := gen.Response()
	if resp.Error != nil {
		return nil, fmt.Errorf("protogo: generate Go message code: %s", resp.GetError())
	}
	files := make([]File, 0, len(resp.File))
	for _, rf := range resp.File {
		name, ok := prefixes[rf.GetName()]
		if !ok {
			return nil, fmt.Errorf("protogo: unexpected generated file %q", rf.GetName())
		}
		files = append(files, File{Name: name, Content: []byte(rf.GetContent())})
	}
	slices.SortFunc(files, func(a, b File) int { return cmp.Compare(a.Name, b.Name) })
	return files, nil
}

// OutputNames maps each proto file name to the name of its .pb.go file in
// the flat output directory: the base name when it is unique, else the whole
// path with '/' replaced by '_', changed where the Go tool would skip the
// file or build it on one platform only (see buildableName).
func OutputNames(protoFiles []string) map[string]string {
	count := make(map[string]int, len(protoFiles))
	for _, name := range protoFiles {
		count[baseName(name)]++
	}
	out := make(map[string]string, len(protoFiles))
	for _, name := range protoFiles {
		b := baseName(name)
		if count[b] > 1 {
			b = strings.ReplaceAll(strings.TrimSuffix(name, ".proto"), "/", "_")
		}
		out[name] = buildableName(b) + ".pb.go"
	}
	return out
}

func baseName(protoFile string) string {
	return strings.TrimSuffix(path.Base(protoFile), ".proto")
}

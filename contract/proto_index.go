package contract

import (
	"strings"

	"google.golang.org/protobuf/types/descriptorpb"
)

// Field numbers of descriptor.proto, for source-code-info paths.
const (
	fileMessageType = 4
	fileEnumType    = 5
	fileService     = 6
	msgField        = 2
	msgNested       = 3
	msgEnum         = 4
	enumValue       = 2
	serviceMethod   = 2
)

// protoSide is one version of a proto description: every message, enum
// and service by full name, with where it is declared.
type protoSide struct {
	msgs     map[string]*declared[descriptorpb.DescriptorProto]
	enums    map[string]*declared[descriptorpb.EnumDescriptorProto]
	services map[string]*declared[descriptorpb.ServiceDescriptorProto]
	// packages of the requested files.
	packages []string
}

// declared is an element with its file and source-code-info path; target
// says whether its file is one of the requested ones (the others are
// imports: used by the requested files, not compared).
type declared[T any] struct {
	desc   *T
	file   *sourceFile
	path   []int32
	target bool
}

// sourceFile is a file descriptor with its locations indexed by path and
// the path to report it under.
type sourceFile struct {
	fd   *descriptorpb.FileDescriptorProto
	disk string
	locs map[string]*descriptorpb.SourceCodeInfo_Location
}

// index lists the declarations of files; targets maps the names of the
// requested files to the paths they were given as.
func index(files []*descriptorpb.FileDescriptorProto, targets map[string]string) *protoSide {
	s := &protoSide{
		msgs:     map[string]*declared[descriptorpb.DescriptorProto]{},
		enums:    map[string]*declared[descriptorpb.EnumDescriptorProto]{},
		services: map[string]*declared[descriptorpb.ServiceDescriptorProto]{},
	}
	for _, fd := range files {
		disk, target := targets[fd.GetName()]
		if !target {
			disk = fd.GetName()
		}
		f := &sourceFile{fd: fd, disk: disk}
		if target {
			s.packages = append(s.packages, fd.GetPackage())
		}
		prefix := fd.GetPackage()
		for i, m := range fd.MessageType {
			s.addMessage(f, target, prefix, m, []int32{fileMessageType, int32(i)})
		}
		for i, e := range fd.EnumType {
			s.enums[join(prefix, e.GetName())] = &declared[descriptorpb.EnumDescriptorProto]{e, f, []int32{fileEnumType, int32(i)}, target}
		}
		for i, sv := range fd.Service {
			s.services[join(prefix, sv.GetName())] = &declared[descriptorpb.ServiceDescriptorProto]{sv, f, []int32{fileService, int32(i)}, target}
		}
	}
	return s
}

func (s *protoSide) addMessage(f *sourceFile, target bool, prefix string, m *descriptorpb.DescriptorProto, path []int32) {
	name := join(prefix, m.GetName())
	s.msgs[name] = &declared[descriptorpb.DescriptorProto]{m, f, path, target}
	for i, n := range m.NestedType {
		s.addMessage(f, target, name, n, appendPath(path, msgNested, int32(i)))
	}
	for i, e := range m.EnumType {
		s.enums[join(name, e.GetName())] = &declared[descriptorpb.EnumDescriptorProto]{e, f, appendPath(path, msgEnum, int32(i)), target}
	}
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// appendPath returns path with elems added, never sharing path's array.
func appendPath(path []int32, elems ...int32) []int32 {
	return append(append(make([]int32, 0, len(path)+len(elems)), path...), elems...)
}

// location returns where the element at path is declared.
func (f *sourceFile) location(path []int32) Location {
	if f.locs == nil {
		f.locs = map[string]*descriptorpb.SourceCodeInfo_Location{}
		for _, l := range f.fd.GetSourceCodeInfo().GetLocation() {
			f.locs[pathKey(l.Path)] = l
		}
	}
	loc := Location{File: f.disk}
	if l := f.locs[pathKey(path)]; l != nil && len(l.Span) >= 2 {
		loc.Line, loc.Column = int(l.Span[0])+1, int(l.Span[1])+1
	}
	return loc
}

func pathKey(path []int32) string {
	var b strings.Builder
	for _, p := range path {
		b.WriteString(string(rune(p + 1)))
	}
	return b.String()
}

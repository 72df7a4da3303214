package proto

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"google.golang.org/protobuf/compiler/protogen"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/infgen/infgen/ir"
)

// builder assigns Go names to services and methods and synthesizes the
// wrapper messages of server-streaming methods.
type builder struct {
	gen   *protogen.Plugin
	scope *ir.Scope
	// declaredAt maps the Go identifiers of the generated message code to
	// the proto declarations they come from.
	declaredAt map[string]protoreflect.Descriptor
	fullNames  map[string]bool
	streams    []stream
	warnings   []ir.Warning
	// qualified is set when services get per-service Go names.
	qualified bool
}

// pendingService is a service named but not yet resolved to Go types.
type pendingService struct {
	name, fullName, doc string
	deprecated          bool
	methods             []pendingMethod
	desc                *protogen.Service
}

type pendingMethod struct {
	name, doc, fullMethod, input, output string
	deprecated                           bool
	pos                                  ir.Pos
	streaming                            ir.StreamKind
	desc                                 *protogen.Method
}

// stream is a synthesized message collecting a server stream.
type stream struct {
	target, pkg, name, elem, elemFile, doc string
}

// services names the services of the target files, in file order.
func (b *builder) services(targets, only []string) ([]pendingService, error) {
	var eligible []*protogen.Service
	for _, t := range targets {
		f := b.gen.FilesByPath[t]
		for _, s := range f.Services {
			if len(only) > 0 && !slices.Contains(only, string(s.Desc.FullName())) {
				continue
			}
			if b.usable(s) {
				eligible = append(eligible, s)
			} else {
				b.warn(s.Desc, fmt.Sprintf("service %s has no unary or server-streaming method; skipped", s.Desc.FullName()))
			}
		}
	}
	// One service gets the short names (ServiceName, Register, …) unless a
	// declaration has one of them: then the per-service ones, as for several.
	b.qualified = len(eligible) > 1 || len(eligible) == 1 && slices.ContainsFunc(ir.GRPCServiceNames("", 1).List(), b.scope.Has)
	if err := b.reserveFixed(eligible); err != nil {
		return nil, err
	}
	var out []pendingService
	for _, s := range eligible {
		name := b.scope.UniqueWith(ir.GoName(string(s.Desc.Name())), func(c string) []string {
			derived := []string{ir.StubName(c), ir.NewStubName(c), ir.EventsName(c)}
			if b.qualified {
				derived = append(derived, ir.GRPCQualifiedNames(c).List()...)
			}
			return derived
		})
		ps := pendingService{
			name:       name,
			fullName:   string(s.Desc.FullName()),
			doc:        comment(s.Comments.Leading),
			deprecated: s.Desc.Options().(*descriptorpb.ServiceOptions).GetDeprecated(),
			desc:       s,
		}
		methods := ir.NewScope()
		for _, m := range s.Methods {
			kind := streamKind(m)
			if kind == ir.StreamClient || kind == ir.StreamBidi {
				b.warn(m.Desc, fmt.Sprintf("%s-streaming method %s skipped: only unary and server-streaming methods become tasks", kind, m.Desc.FullName()))
				continue
			}
			pm := pendingMethod{
				name:       methods.UniqueWith(ir.GoName(string(m.Desc.Name())), func(c string) []string { return []string{ir.DispatchName(c)} }),
				doc:        comment(m.Comments.Leading),
				fullMethod: fmt.Sprintf("/%s/%s", s.Desc.FullName(), m.Desc.Name()),
				input:      string(m.Input.Desc.FullName()),
				output:     string(m.Output.Desc.FullName()),
				deprecated: m.Desc.Options().(*descriptorpb.MethodOptions).GetDeprecated(),
				pos:        b.pos(m.Desc),
				streaming:  kind,
				desc:       m,
			}
			if kind == ir.StreamServer {
				pm.output = b.addStream(s, m, pm.name)
			}
			ps.methods = append(ps.methods, pm)
		}
		out = append(out, ps)
	}
	return out, nil
}

// reserveFixed reserves the package-level names that do not depend on a
// service name (the stream bounds; the short names of a single service
// unless b.qualified), failing when a proto declaration already has one of
// them (renaming the service cannot help then).
func (b *builder) reserveFixed(eligible []*protogen.Service) error {
	var fixed []string
	if len(eligible) == 1 && !b.qualified {
		fixed = ir.GRPCServiceNames("", 1).List()
	}
	streams := slices.ContainsFunc(eligible, func(s *protogen.Service) bool {
		return slices.ContainsFunc(s.Methods, func(m *protogen.Method) bool { return streamKind(m) == ir.StreamServer })
	})
	if streams {
		fixed = append(fixed, ir.GRPCFixedNames()...)
	}
	for _, name := range fixed {
		if !b.scope.Has(name) {
			continue
		}
		err := fmt.Errorf("proto: a declaration of the generated files has the Go name %s, which the generated service code needs; rename it, or generate the service into another package than that declaration", name)
		if d, ok := b.declaredAt[name]; ok {
			return &Error{Pos: declPos(d), Err: fmt.Errorf("%s has the Go name %s, which the generated service code needs; rename it, or generate the service into another package than that declaration", d.FullName(), name)}
		}
		return err
	}
	b.scope.Reserve(fixed...)
	return nil
}

func (b *builder) usable(s *protogen.Service) bool {
	return slices.ContainsFunc(s.Methods, func(m *protogen.Method) bool { return !m.Desc.IsStreamingClient() })
}

func streamKind(m *protogen.Method) ir.StreamKind {
	switch c, s := m.Desc.IsStreamingClient(), m.Desc.IsStreamingServer(); {
	case c && s:
		return ir.StreamBidi
	case c:
		return ir.StreamClient
	case s:
		return ir.StreamServer
	}
	return ir.StreamNone
}

// addStream plans the wrapper message of a server-streaming method and
// returns its full name.
func (b *builder) addStream(s *protogen.Service, m *protogen.Method, method string) string {
	file := s.Desc.ParentFile()
	name := upperAfterDigits(method + "Stream")
	for i := 1; ; i++ {
		cand := name
		if i > 1 {
			cand = fmt.Sprintf("%s%d", name, i)
		}
		if b.scope.Has(cand) || b.fullNames[qualify(string(file.Package()), cand)] {
			continue
		}
		name = cand
		break
	}
	b.scope.Reserve(name)
	full := qualify(string(file.Package()), name)
	b.fullNames[full] = true
	b.streams = append(b.streams, stream{
		target:   file.Path(),
		pkg:      string(file.Package()),
		name:     name,
		elem:     string(m.Output.Desc.FullName()),
		elemFile: m.Output.Desc.ParentFile().Path(),
		doc: fmt.Sprintf(" %s collects the messages of the server stream of %s.%s, in order.\n"+
			" The generated client stops with an error after MaxStreamMessages messages\n or MaxStreamBytes encoded bytes.\n",
			name, s.Desc.FullName(), m.Desc.Name()),
	})
	return full
}

func qualify(pkg, name string) string {
	if pkg == "" {
		return name
	}
	return pkg + "." + name
}

// upperAfterDigits upper-cases letters following digits, so that protogen's
// GoCamelCase leaves the name as it is ("V2beta" stays "V2Beta").
func upperAfterDigits(s string) string {
	rs := []rune(s)
	for i := 1; i < len(rs); i++ {
		if unicode.IsDigit(rs[i-1]) {
			rs[i] = unicode.ToUpper(rs[i])
		}
	}
	return string(rs)
}

// addStreamFiles adds one synthesized file per target that has wrappers.
func (b *builder) addStreamFiles(files []*descriptorpb.FileDescriptorProto, generate []string) ([]*descriptorpb.FileDescriptorProto, []string) {
	taken := map[string]bool{}
	for _, f := range files {
		taken[f.GetName()] = true
	}
	byTarget := map[string]*descriptorpb.FileDescriptorProto{}
	var order []string
	for _, st := range b.streams {
		fd := byTarget[st.target]
		if fd == nil {
			name := strings.TrimSuffix(st.target, ".proto") + "_stream.proto"
			for i := 2; taken[name]; i++ {
				name = fmt.Sprintf("%s_stream%d.proto", strings.TrimSuffix(st.target, ".proto"), i)
			}
			taken[name] = true
			fd = &descriptorpb.FileDescriptorProto{
				Name:           new(name),
				Syntax:         new("proto3"),
				SourceCodeInfo: &descriptorpb.SourceCodeInfo{},
			}
			if st.pkg != "" {
				fd.Package = new(st.pkg)
			}
			byTarget[st.target] = fd
			order = append(order, st.target)
		}
		if !slices.Contains(fd.Dependency, st.elemFile) {
			fd.Dependency = append(fd.Dependency, st.elemFile)
		}
		idx := int32(len(fd.MessageType))
		fd.MessageType = append(fd.MessageType, &descriptorpb.DescriptorProto{
			Name: new(st.name),
			Field: []*descriptorpb.FieldDescriptorProto{{
				Name:     new("messages"),
				JsonName: new("messages"),
				Number:   new(int32(1)),
				Label:    descriptorpb.FieldDescriptorProto_LABEL_REPEATED.Enum(),
				Type:     descriptorpb.FieldDescriptorProto_TYPE_MESSAGE.Enum(),
				TypeName: new("." + st.elem),
			}},
		})
		fd.SourceCodeInfo.Location = append(fd.SourceCodeInfo.Location, &descriptorpb.SourceCodeInfo_Location{
			Path:            []int32{4, idx},
			Span:            []int32{0, 0, 0},
			LeadingComments: new(st.doc),
		})
	}
	for _, t := range order {
		files = append(files, byTarget[t])
		generate = append(generate, byTarget[t].GetName())
	}
	slices.Sort(generate)
	return files, generate
}

// service resolves a pending service against the (final) plugin.
func (b *builder) service(ps pendingService) ir.Service {
	msgs := messagesByName(b.gen)
	s := ir.Service{Name: ps.name, FullName: ps.fullName, Doc: ps.doc, Deprecated: ps.deprecated}
	for _, pm := range ps.methods {
		s.Methods = append(s.Methods, ir.Method{
			Name:       pm.name,
			Doc:        pm.doc,
			Deprecated: pm.deprecated,
			Pos:        pm.pos,
			Input:      b.goIdent(msgs[pm.input]),
			Output:     b.goIdent(msgs[pm.output]),
			GRPC: &ir.GRPCBinding{
				FullMethod: pm.fullMethod,
				Streaming:  pm.streaming,
				ProtoFile:  pm.pos.File,
			},
		})
	}
	return s
}

// compensations reads the (infgen.compensate) options of a service's rpcs
// into its methods (s.Methods follow ps.methods).
func (b *builder) compensations(ps pendingService, s *ir.Service) error {
	names := map[string]string{}
	for _, pm := range ps.methods {
		if pm.streaming == ir.StreamNone {
			names[string(pm.desc.Desc.Name())] = pm.name
		}
	}
	for i, pm := range ps.methods {
		opt := compensateOption(pm.desc)
		if opt == nil {
			continue
		}
		c, err := compensation(ps.desc, names, pm.desc, opt)
		if err != nil {
			return err
		}
		for _, name := range []string{ir.CompensatedName(pm.name), ir.CompensationName(pm.name)} {
			if s.MethodByName(name) != nil {
				return &Error{Pos: c.Pos, Err: fmt.Errorf("(infgen.compensate) on %s: the stub method %s, generated for the compensation, is taken by another rpc; rename that rpc", pm.desc.Desc.Name(), name)}
			}
		}
		s.Methods[i].Compensate = c
	}
	return nil
}

// messagesByName indexes every message of the plugin by full name.
func messagesByName(gen *protogen.Plugin) map[string]*protogen.Message {
	out := map[string]*protogen.Message{}
	var walk func(ms []*protogen.Message)
	walk = func(ms []*protogen.Message) {
		for _, m := range ms {
			out[string(m.Desc.FullName())] = m
			walk(m.Messages)
		}
	}
	for _, f := range gen.Files {
		walk(f.Messages)
	}
	return out
}

// goIdent is the Go type of a message: unqualified when it is generated
// into the output package.
func (b *builder) goIdent(m *protogen.Message) ir.GoIdent {
	if m == nil {
		return ir.GoIdent{}
	}
	id := ir.GoIdent{Name: m.GoIdent.GoName}
	if f := b.gen.FilesByPath[m.Desc.ParentFile().Path()]; f == nil || !f.Generate {
		id.ImportPath = string(m.GoIdent.GoImportPath)
	}
	return id
}

// pos is where a declaration is in its file (proto file name, 1-based).
func (b *builder) pos(d protoreflect.Descriptor) ir.Pos { return declPos(d) }

func (b *builder) warn(d protoreflect.Descriptor, msg string) {
	b.warnings = append(b.warnings, ir.Warning{Pos: b.pos(d), Message: msg})
}

// comment turns a leading proto comment into doc text.
func comment(c protogen.Comments) string {
	lines := strings.Split(strings.TrimRight(string(c), "\n "), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, " ")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

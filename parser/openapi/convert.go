package openapi

import (
	"cmp"
	"net/url"
	"path/filepath"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/infgen/infgen/ir"
)

const componentsPrefix = "#/components/schemas/"

// converter turns a loaded document into an ir.Spec. It lives for one
// Parse call; nothing is shared between calls.
type converter struct {
	doc   *openapi3.T
	files *fileSet
	root  *sourceFile
	spec  *ir.Spec
	// pkg hands out package-level identifiers.
	pkg *ir.Scope
	// byRef names component schemas by their $ref string; bySchema names
	// every other named schema by identity (inline objects, enums, unions,
	// schemas of other files).
	byRef    map[string]string
	bySchema map[*openapi3.Schema]string
	// byOrigin names schemas of other files by their position.
	byOrigin map[string]string
	// compKey is the components.schemas key of each component schema.
	compKey map[*openapi3.Schema]string
	// declared marks the type names already emitted (or being emitted).
	declared map[string]bool
	warnings []ir.Warning
	opts     options
	// owners are the operations and types of the document, when some
	// operations are selected (see selectedWarnings).
	owners []owner
	// credentials marks the credential parameters warned about, by
	// location and wire name; credentialNames holds the GoName of those
	// that are not a security scheme's.
	credentials     map[string]bool
	credentialNames map[string]string
	// hooks are the webhooks and callbacks (see collectHooks).
	hooks []*hook
	// methods holds the stub's method names (see methodName).
	methods *ir.Scope
	// emptyRef is set when a $ref was left without a value, which is how
	// kin-openapi leaves a cycle of plain $refs (see refCycle).
	emptyRef bool
}

func newConverter(doc *openapi3.T, files *fileSet, root *sourceFile) *converter {
	return &converter{
		doc:      doc,
		files:    files,
		root:     root,
		spec:     &ir.Spec{Source: ir.SourceOpenAPI},
		pkg:      ir.NewScope(ir.FixedNames()...),
		byRef:    map[string]string{},
		bySchema: map[*openapi3.Schema]string{},
		byOrigin: map[string]string{},
		compKey:  map[*openapi3.Schema]string{},
		declared: map[string]bool{},

		credentials:     map[string]bool{},
		credentialNames: map[string]string{},
	}
}

// convert builds the spec: service and operation names first (they claim
// derived names such as CreatePetInput), then security schemes, component
// schemas, operations.
func (c *converter) convert() (*ir.Spec, error) {
	s := c.spec
	if info := c.doc.Info; info != nil {
		s.Title, s.Version, s.Description = info.Title, info.Version, info.Description
	}
	for _, f := range c.files.order {
		name := f.name
		if rel, err := filepath.Rel(filepath.Dir(c.root.abs), f.abs); err == nil {
			name = rel
		}
		s.Files = append(s.Files, filepath.ToSlash(name))
	}
	for _, srv := range c.doc.Servers {
		if srv != nil {
			s.Servers = append(s.Servers, srv.URL)
		}
	}
	title := s.Title
	if title == "" {
		title = strings.TrimSuffix(filepath.Base(c.root.name), filepath.Ext(c.root.name))
	}
	if c.opts.service != "" {
		title = c.opts.service
	}
	s.Package = ir.PackageName(title)
	svcName := c.pkg.UniqueWith(ir.GoName(title), func(n string) []string {
		return []string{ir.StubName(n), ir.NewStubName(n), ir.EventsName(n)}
	})
	ops, err := c.collectOperations()
	if err != nil {
		return nil, err
	}
	if hasCallbacks(ops) {
		c.pkg.Reserve(CallbacksOption)
	}
	c.securitySchemes()
	c.nameComponents()
	hooks := c.collectHooks(ops, svcName)
	svc := ir.Service{Name: svcName, FullName: svcName, Doc: s.Description}
	for _, op := range ops {
		m := c.method(op)
		c.callbacks(op, &m, hooks)
		svc.Methods = append(svc.Methods, m)
	}
	s.Webhooks = c.webhooks(hooks)
	c.declareComponents()
	c.finishHooks(&svc)
	if err := c.compensations(ops, &svc); err != nil {
		return nil, err
	}
	if err := c.selectOperations(ops, &svc); err != nil {
		return nil, err
	}
	if c.emptyRef {
		if err := c.files.refCycle(c.root); err != nil {
			return nil, err
		}
	}
	// Methods follow the operations (document order); types are sorted
	// into document order once all are declared, whatever reached them
	// first.
	s.Services = []ir.Service{svc}
	if s.Selection != "" {
		c.pruneTypes(s)
		c.warnings = c.selectedWarnings(c.warnings)
	}
	slices.SortStableFunc(s.Types, func(a, b ir.Type) int {
		return cmp.Or(c.compareDocPos(a.Pos, b.Pos), cmp.Compare(a.Name, b.Name))
	})
	s.Warnings = ir.SortWarnings(c.warnings)
	return s, nil
}

// warn records a warning.
func (c *converter) warn(pos ir.Pos, msg string) {
	c.warnings = append(c.warnings, ir.Warning{Pos: pos, Message: msg})
}

// pos converts a kin-openapi origin into a position, falling back to def.
func (c *converter) pos(o *openapi3.Origin, def ir.Pos) ir.Pos {
	if o == nil || o.Key == nil || o.Key.Line == 0 {
		return def
	}
	return ir.Pos{File: c.fileName(o.Key.File), Line: o.Key.Line, Col: o.Key.Column}
}

// fileName maps a loader location back to the name the user gave.
func (c *converter) fileName(loc string) string {
	if loc == "" {
		return c.root.name
	}
	p := loc
	if u, err := url.Parse(loc); err == nil && u.Path != "" {
		p = u.Path
	}
	if f, ok := c.files.files[filepath.FromSlash(p)]; ok {
		return f.name
	}
	return loc
}

// rootPos is the position of the document itself.
func (c *converter) rootPos() ir.Pos { return ir.Pos{File: c.root.name, Line: 1, Col: 1} }

// inDocOrder returns items (whose positions are at) stably sorted by
// compareDocPos.
func inDocOrder[T any](c *converter, items []T, at []ir.Pos) []T {
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return c.compareDocPos(at[a], at[b]) })
	out := make([]T, len(items))
	for i, j := range order {
		out[i] = items[j]
	}
	return out
}

// compareDocPos orders positions as the document reads: the root file
// first, then the files it refers to in the order they were read, each by
// line and column. Unknown positions (none recorded, or the root's 1:1,
// where constructs without one are reported) come last.
func (c *converter) compareDocPos(a, b ir.Pos) int {
	rank := func(p ir.Pos) int {
		if p.Line == 0 || p == c.rootPos() {
			return len(c.files.order) + 1
		}
		for i, f := range c.files.order {
			if f.name == p.File {
				return i
			}
		}
		return len(c.files.order)
	}
	ra, rb := rank(a), rank(b)
	if ra > len(c.files.order) || rb > len(c.files.order) {
		return cmp.Compare(ra, rb)
	}
	return cmp.Or(cmp.Compare(ra, rb), cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
}

// nameComponents reserves a Go name for every component schema, in sorted
// order, before any is converted, so references resolve to stable names.
func (c *converter) nameComponents() {
	if c.doc.Components == nil {
		return
	}
	for _, key := range sortedKeys(c.doc.Components.Schemas) {
		ref := c.doc.Components.Schemas[key]
		if ref == nil {
			continue
		}
		name := c.pkg.Unique(ir.GoName(key))
		c.byRef[componentsPrefix+key] = name
		if ref.Ref == "" && ref.Value != nil {
			if _, ok := c.bySchema[ref.Value]; !ok {
				c.bySchema[ref.Value] = name
				c.compKey[ref.Value] = key
			}
		}
	}
}

// declareComponents emits every component schema, used or not.
func (c *converter) declareComponents() {
	if c.doc.Components == nil {
		return
	}
	for _, key := range sortedKeys(c.doc.Components.Schemas) {
		ref := c.doc.Components.Schemas[key]
		if ref == nil {
			continue
		}
		name := c.byRef[componentsPrefix+key]
		if ref.Ref != "" {
			c.declareAlias(name, ref, key)
			continue
		}
		c.declare(name, ref.Value, c.rootPos())
	}
}

// declareAlias emits a component that is only a $ref to another schema.
func (c *converter) declareAlias(name string, ref *openapi3.SchemaRef, key string) {
	if c.declared[name] {
		return
	}
	c.declared[name] = true
	target := c.typeOf(&openapi3.SchemaRef{Ref: ref.Ref, Value: ref.Value}, name, c.rootPos())
	if target.Kind == ir.KindNamed && target.Name == name {
		c.warn(c.rootPos(), "schema "+key+" refers to itself; generated as arbitrary JSON")
		target = ir.TypeRef{Kind: ir.KindAny}
	}
	c.spec.Types = append(c.spec.Types, ir.Type{Name: name, Kind: ir.TypeAlias, Alias: &target, Pos: c.pos(ref.Origin, c.rootPos())})
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

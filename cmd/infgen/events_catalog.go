package main

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/token"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/infgen/infgen/ir"
	"github.com/infgen/infgen/runtime/service"
)

// newEventsCmd builds `infgen events`.
func newEventsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "events",
		Short: "Inspect the CloudEvents that generated packages and workflows publish and consume",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}
	cmd.AddCommand(newEventsCatalogCmd())
	return cmd
}

// newEventsCatalogCmd builds `infgen events catalog`.
func newEventsCatalogCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "catalog PACKAGE...",
		Short: "List the event types a set of packages publish and consume (Markdown or JSON)",
		Long: `List the event types (CloudEvents, see docs/events.md) that a set of Go
packages publish and consume. PACKAGE is an import path, a directory or a
pattern (./...), as for go list; run it inside the Go module that holds them.

Generated packages (infgen generate openapi|proto) are read from their
descriptors: each method's task publishes "<service>.<method>.completed" (its
data the method's result) and ".failed" with outcome events on. Other packages
are read from their source: workflow.Emit with a literal event type publishes
it, events.Subscribe or events.SubscribeData with a literal type and
events.On with a typed event of a generated package
(payment.PaymentServiceEvents.RequestPaymentCompleted) consume it.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "markdown" && format != "json" {
				return fmt.Errorf("--format %q: want markdown or json", format)
			}
			cat, err := buildCatalog(args)
			if err != nil {
				return err
			}
			if format == "json" {
				return writeCatalogJSON(cmd.OutOrStdout(), cat)
			}
			return writeCatalogMarkdown(cmd.OutOrStdout(), cat)
		},
	}
	cmd.Flags().StringVar(&format, "format", "markdown", "output format: markdown or json")
	return cmd
}

// catalogEvent is one event type of the catalog.
type catalogEvent struct {
	Type string `json:"type"`
	// Data is the Go type of the data, when a descriptor names it.
	Data string `json:"data,omitempty"`
	// DataSchema is the dataschema URI its events carry, when known.
	DataSchema  string        `json:"dataschema,omitempty"`
	PublishedBy []catalogSite `json:"publishedBy"`
	ConsumedBy  []catalogSite `json:"consumedBy"`
}

// catalogSite is a package that publishes or consumes an event, and how.
type catalogSite struct {
	Package string `json:"package"`
	Via     string `json:"via"`
}

type catalog struct {
	events map[string]*catalogEvent
}

func (c *catalog) event(typ string) *catalogEvent {
	ev := c.events[typ]
	if ev == nil {
		ev = &catalogEvent{Type: typ, PublishedBy: []catalogSite{}, ConsumedBy: []catalogSite{}}
		c.events[typ] = ev
	}
	return ev
}

func (c *catalog) sorted() []*catalogEvent {
	out := make([]*catalogEvent, 0, len(c.events))
	for _, ev := range c.events {
		sortSites := func(s []catalogSite) {
			slices.SortFunc(s, func(a, b catalogSite) int { return strings.Compare(a.Package+" "+a.Via, b.Package+" "+b.Via) })
		}
		sortSites(ev.PublishedBy)
		sortSites(ev.ConsumedBy)
		out = append(out, ev)
	}
	slices.SortFunc(out, func(a, b *catalogEvent) int { return strings.Compare(a.Type, b.Type) })
	return out
}

// subscribeMethod is a typed event of a generated package: its events
// variable and field (the descriptor's Subscribe).
type subscribeMethod struct {
	pkg, typ, method string
}

// buildCatalog lists the packages, reads the descriptors of the generated
// ones and scans the source of the others.
func buildCatalog(patterns []string) (*catalog, error) {
	mod, err := currentModule()
	if err != nil {
		return nil, err
	}
	out, err := goList(append([]string{"-f", "{{.ImportPath}}\t{{.Name}}\t{{.Dir}}"}, patterns...)...)
	if err != nil {
		return nil, err
	}
	var generated, others []goPackage
	files := map[string][]*ast.File{}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			continue
		}
		p := goPackage{ImportPath: f[0], Name: f[1], Dir: f[2]}
		fs, err := parsePackage(p)
		if err != nil {
			return nil, err
		}
		files[p.ImportPath] = fs
		if declaresDescriptor(fs) {
			generated = append(generated, p)
		} else {
			others = append(others, p)
		}
	}
	cat := &catalog{events: map[string]*catalogEvent{}}
	subscribers := map[subscribeMethod]string{}
	if len(generated) > 0 {
		descs, err := readDescriptors(mod, generated)
		if err != nil {
			return nil, err
		}
		for i, d := range descs {
			addDescriptor(cat, generated[i], d, subscribers)
		}
	}
	for _, p := range others {
		scanEvents(cat, p, files[p.ImportPath], subscribers)
	}
	return cat, nil
}

// declaresDescriptor reports whether the files declare the variable every
// generated package declares.
func declaresDescriptor(files []*ast.File) bool {
	for _, f := range files {
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.VAR {
				for _, s := range g.Specs {
					for _, n := range s.(*ast.ValueSpec).Names {
						if n.Name == ir.DescriptorName {
							return true
						}
					}
				}
			}
		}
	}
	return false
}

func addDescriptor(cat *catalog, p goPackage, d service.PackageDescriptor, subscribers map[subscribeMethod]string) {
	for _, s := range d.Services {
		for _, e := range s.Events {
			ev := cat.event(e.Type)
			if e.Data != "" {
				ev.Data = p.Name + "." + e.Data
				if strings.Contains(e.Data, "/") {
					ev.Data = e.Data
				}
				ev.DataSchema = e.DataSchema
			}
			ev.PublishedBy = append(ev.PublishedBy, catalogSite{Package: p.ImportPath, Via: "task " + s.Name + "." + e.Method + " " + e.Outcome})
			if typ, method, ok := strings.Cut(e.Subscribe, "."); ok {
				subscribers[subscribeMethod{pkg: p.ImportPath, typ: typ, method: method}] = e.Type
			}
		}
	}
}

// scanEvents finds, in a package's source, workflow.Emit, events.Subscribe
// and events.SubscribeData calls with a literal event type, and events.On
// calls with a typed event of the generated packages listed.
func scanEvents(cat *catalog, p goPackage, files []*ast.File, subscribers map[subscribeMethod]string) {
	const (
		pkgWorkflow = "github.com/infgen/infgen/runtime/workflow"
		pkgEvents   = "github.com/infgen/infgen/runtime/events"
	)
	for _, f := range files {
		imports := map[string]string{} // local name → import path
		for _, is := range f.Imports {
			path, _ := strconv.Unquote(is.Path.Value)
			name := path[strings.LastIndex(path, "/")+1:]
			if is.Name != nil {
				name = is.Name.Name
			}
			imports[name] = path
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			fun := call.Fun
			if ix, ok := fun.(*ast.IndexExpr); ok { // events.SubscribeData[T]
				fun = ix.X
			}
			sel, ok := fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); ok {
				switch path := imports[x.Name]; {
				case path == pkgWorkflow && sel.Sel.Name == "Emit" && len(call.Args) == 2:
					if typ, ok := eventTypeField(call.Args[1]); ok {
						ev := cat.event(typ)
						ev.PublishedBy = append(ev.PublishedBy, catalogSite{Package: p.ImportPath, Via: "workflow.Emit"})
					}
				case path == pkgEvents && (sel.Sel.Name == "Subscribe" || sel.Sel.Name == "SubscribeData") && len(call.Args) >= 2:
					if typ, ok := stringLit(call.Args[1]); ok {
						ev := cat.event(typ)
						ev.ConsumedBy = append(ev.ConsumedBy, catalogSite{Package: p.ImportPath, Via: "events." + sel.Sel.Name})
					}
				case path == pkgEvents && sel.Sel.Name == "On" && len(call.Args) >= 2:
					// events.On(w, pkg.ServiceEvents.MethodCompleted, …)
					if key, local, ok := typedEvent(call.Args[1], imports); ok {
						if typ, ok := subscribers[key]; ok {
							ev := cat.event(typ)
							ev.ConsumedBy = append(ev.ConsumedBy, catalogSite{Package: p.ImportPath, Via: local + "." + key.typ + "." + key.method})
						}
					}
				}
			}
			return true
		})
	}
}

// typedEvent reads pkg.ServiceEvents.MethodCompleted, a typed event of an
// imported package, and the package's local name.
func typedEvent(e ast.Expr, imports map[string]string) (key subscribeMethod, local string, ok bool) {
	field, ok := e.(*ast.SelectorExpr)
	if !ok {
		return subscribeMethod{}, "", false
	}
	vsel, ok := field.X.(*ast.SelectorExpr)
	if !ok {
		return subscribeMethod{}, "", false
	}
	x, ok := vsel.X.(*ast.Ident)
	if !ok {
		return subscribeMethod{}, "", false
	}
	return subscribeMethod{pkg: imports[x.Name], typ: vsel.Sel.Name, method: field.Sel.Name}, x.Name, true
}

// eventTypeField returns the literal Type of a workflow.Event composite
// literal (or of &workflow.Event{…}).
func eventTypeField(e ast.Expr) (string, bool) {
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = u.X
	}
	lit, ok := e.(*ast.CompositeLit)
	if !ok {
		return "", false
	}
	for _, el := range lit.Elts {
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Type" {
				return stringLit(kv.Value)
			}
		}
	}
	return "", false
}

func stringLit(e ast.Expr) (string, bool) {
	b, ok := e.(*ast.BasicLit)
	if !ok || b.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(b.Value)
	return s, err == nil
}

func writeCatalogJSON(w io.Writer, cat *catalog) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Events []*catalogEvent `json:"events"`
	}{cat.sorted()})
}

func writeCatalogMarkdown(w io.Writer, cat *catalog) error {
	var b strings.Builder
	b.WriteString("# Event catalog\n\n")
	b.WriteString("| event type | data | dataschema | published by | consumed by |\n|---|---|---|---|---|\n")
	sites := func(ss []catalogSite) string {
		if len(ss) == 0 {
			return "—"
		}
		parts := make([]string, len(ss))
		for i, s := range ss {
			parts[i] = fmt.Sprintf("`%s` (%s)", s.Package, s.Via)
		}
		return strings.Join(parts, "<br>")
	}
	for _, ev := range cat.sorted() {
		data := "—"
		if ev.Data != "" {
			data = "`" + ev.Data + "`"
		}
		schema := "—"
		if ev.DataSchema != "" {
			schema = "`" + ev.DataSchema + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", ev.Type, data, schema, sites(ev.PublishedBy), sites(ev.ConsumedBy))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

package contract

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/diff"
	"github.com/oasdiff/oasdiff/load"
	"go.yaml.in/yaml/v4"

	"github.com/infgen/infgen/ir"
	"github.com/infgen/infgen/parser/openapi"
)

// OpenAPI compares two OpenAPI documents (3.0, 3.1, or Swagger 2.0, which
// is converted to 3.0 first) with every oasdiff breaking-change rule.
// oasdiff's errors are breaking (Error), its warnings and infos are not
// (Warning, Info). A finding about an operation's responses, or its
// removal, names the outcome events of the operation's task it touches;
// one that breaks their subscribers is at least a warning. Each document must be one infgen can generate from:
// parser/openapi reads it first, so a broken document is reported at its
// position as an error, not as a comparison.
func OpenAPI(ctx context.Context, oldPath, newPath string) (*Report, error) {
	base, oldSpec, err := loadOpenAPI(ctx, oldPath)
	if err != nil {
		return nil, err
	}
	rev, newSpec, err := loadOpenAPI(ctx, newPath)
	if err != nil {
		return nil, err
	}
	d, sources, err := diff.GetWithOperationsSourcesMap(diff.NewConfig(), base, rev)
	if err != nil {
		return nil, fmt.Errorf("compare %s with %s: %w", oldPath, newPath, err)
	}
	changes := checker.CheckBackwardCompatibilityUntilLevel(
		checker.NewConfig(checker.GetAllChecks()), d, sources, checker.INFO)
	l := checker.NewDefaultLocalizer()
	events := newOpenAPIEvents(oldSpec, newSpec)
	r := &Report{}
	for _, c := range changes {
		f := Finding{Rule: c.GetId(), Message: c.GetUncolorizedText(l)}
		switch c.GetLevel() {
		case checker.ERR:
			f.Severity = Error
		case checker.WARN:
			f.Severity = Warning
		default:
			f.Severity = Info
		}
		if c.GetOperation() != "" || c.GetPath() != "" {
			f.Operation = strings.TrimSpace(c.GetOperation() + " " + c.GetPath())
		}
		src := c.GetRevisionSource()
		if src == nil || src.File == "" {
			src = c.GetBaseSource()
		}
		if src != nil {
			f.Location = Location{File: src.File, Line: src.Line, Column: src.Column}
		}
		events.annotate(&f, c.GetOperation(), c.GetPath(), c.GetArgs())
		r.Findings = append(r.Findings, f)
	}
	r.Findings = append(r.Findings, renamed(oldSpec, newSpec)...)
	r.sort()
	return r, nil
}

// renamed finds the changes oasdiff has no reason to call breaking but
// that break infgen's generated code and the tasks in flight: tasks are
// routed by service name (from the document's title) and method name
// (from the operationId), and workflow code calls the stubs by them. The
// event types of the tasks are made of the same names: the old ones are
// no longer published.
func renamed(oldSpec, newSpec *ir.Spec) []Finding {
	var out []Finding
	if len(oldSpec.Services) == 1 && len(newSpec.Services) == 1 && oldSpec.Services[0].FullName != newSpec.Services[0].FullName {
		o := oldSpec.Services[0]
		var events []string
		for i := range o.Methods {
			events = append(events, httpMethod{o.FullName, &o.Methods[i]}.events(ir.OutcomeCompleted, ir.OutcomeFailed)...)
		}
		out = append(out, Finding{Severity: Error, Rule: "infgen-service-renamed", Events: events,
			Message: fmt.Sprintf("the service name changed from %s to %s (it comes from info.title): tasks recorded under the old name find no worker, workflow code using the old package breaks, and the event types %s.* are no longer published (the tasks publish %s.* instead)",
				o.FullName, newSpec.Services[0].FullName, o.FullName, newSpec.Services[0].FullName)})
	}
	newNames := map[string]httpMethod{}
	for _, s := range newSpec.Services {
		for i, m := range s.Methods {
			if m.HTTP != nil {
				newNames[m.HTTP.Method+" "+m.HTTP.Path] = httpMethod{s.FullName, &s.Methods[i]}
			}
		}
	}
	for _, s := range oldSpec.Services {
		for i, m := range s.Methods {
			if m.HTTP == nil {
				continue
			}
			op := m.HTTP.Method + " " + m.HTTP.Path
			if nm, ok := newNames[op]; ok && nm.method.Name != m.Name {
				n := nm.method
				events := httpMethod{s.FullName, &s.Methods[i]}.events(ir.OutcomeCompleted, ir.OutcomeFailed)
				out = append(out, Finding{Severity: Error, Rule: "infgen-method-renamed", Operation: op, Events: events,
					Location: Location{File: n.Pos.File, Line: n.Pos.Line, Column: n.Pos.Col},
					Message: fmt.Sprintf("the generated method changed from %s to %s (it comes from the operationId): pending tasks recorded as %s find no handler, workflow code calling %s breaks, and the event types %s are no longer published (its tasks publish %s instead)",
						m.Name, n.Name, m.Name, m.Name, strings.Join(events, " and "), strings.Join(nm.events(ir.OutcomeCompleted, ir.OutcomeFailed), " and "))})
			}
		}
	}
	return out
}

// loadOpenAPI reads a document with infgen's parser (for positioned
// errors, and the names the runtime knows its operations by), then loads
// it the way oasdiff compares it: $refs resolved, the origin of each
// element kept.
func loadOpenAPI(ctx context.Context, path string) (*load.SpecInfo, *ir.Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read OpenAPI document: %w", err)
	}
	spec, err := openapi.ParseData(ctx, path, data)
	if err != nil {
		return nil, nil, err
	}
	loader := openapi3.NewLoader()
	loader.Context = ctx
	loader.IsExternalRefsAllowed = true
	loader.IncludeOrigin = true
	if isSwagger2(data) {
		doc, err := convertSwagger2(ctx, loader, data)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: convert Swagger 2.0 to OpenAPI 3: %w", path, err)
		}
		return &load.SpecInfo{Source: load.NewFileSource(path), Spec: doc, Version: doc.Info.Version}, spec, nil
	}
	info, err := load.NewSpecInfo(loader, load.NewFileSource(path))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return info, spec, nil
}

// isSwagger2 reports a document with a top-level "swagger" field.
func isSwagger2(data []byte) bool {
	var top struct {
		Swagger string `yaml:"swagger"`
	}
	return yaml.Unmarshal(data, &top) == nil && top.Swagger != ""
}

// convertSwagger2 converts a Swagger 2.0 document (JSON or YAML) to
// OpenAPI 3.0 with its $refs resolved. Positions are lost on the way.
func convertSwagger2(ctx context.Context, loader *openapi3.Loader, data []byte) (*openapi3.T, error) {
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	js, err := jsonOf(v)
	if err != nil {
		return nil, err
	}
	var doc2 openapi2.T
	if err := doc2.UnmarshalJSON(js); err != nil {
		return nil, err
	}
	doc3, err := openapi2conv.ToV3(&doc2)
	if err != nil {
		return nil, err
	}
	if err := loader.ResolveRefsIn(doc3, nil); err != nil {
		return nil, err
	}
	return doc3, nil
}

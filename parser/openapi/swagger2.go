package openapi

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"

	"github.com/infgen/infgen/ir"
)

// swaggerKey finds a "swagger" key at the start of a line (YAML) or
// anywhere quoted (JSON): documents without one are not parsed twice.
var swaggerKey = regexp.MustCompile(`(?m)^["']?swagger["']?\s*:|"swagger"\s*:`)

// isSwagger2 reports a document with a top-level "swagger" field (any
// version: convertSwagger2 rejects the others with their position).
func (s *fileSet) isSwagger2(root *sourceFile, data []byte) bool {
	if !swaggerKey.Match(data) || s.parse(root) != nil {
		return false
	}
	return mapValue(root.root, "swagger") != nil && mapValue(root.root, "openapi") == nil
}

// convertSwagger2 reads a Swagger 2.0 document and converts it to OpenAPI
// 3.0 with kin-openapi's openapi2conv. The converter loses positions, so
// the positions of definitions (and their properties) and of operations
// are carried over from the 2.0 document; everything else is reported at
// the top of the file.
func (s *fileSet) convertSwagger2(ctx context.Context, root *sourceFile) (*openapi3.T, []ir.Warning, error) {
	top := ir.Pos{File: root.name, Line: 1, Col: 1}
	if v := mapValue(root.root, "swagger"); v.Value != "2.0" {
		return nil, nil, &Error{Pos: nodePos(root.name, v), Msg: fmt.Sprintf("unsupported Swagger version %q: want 2.0, or OpenAPI 3.0 or 3.1", v.Value)}
	}
	if err := s.checkRefs(root); err != nil {
		return nil, nil, err
	}
	r := &v2Reader{file: root.name}
	value := r.value(root.root, 0)
	if r.nodes > maxV2Nodes {
		return nil, nil, &Error{Pos: top, Msg: fmt.Sprintf("the document expands to more than %d values (YAML aliases?)", maxV2Nodes)}
	}
	// Extensions among the paths are not path items for the 2.0 decoder.
	if top, ok := value.(map[string]any); ok {
		if paths, ok := top["paths"].(map[string]any); ok {
			for k := range paths {
				if strings.HasPrefix(k, "x-") {
					delete(paths, k)
				}
			}
		}
	}
	data, err := json.Marshal(value)
	if err != nil {
		return nil, nil, &Error{Pos: top, Msg: "cannot read the Swagger 2.0 document", Err: err}
	}
	var doc2 openapi2.T
	if err := json.Unmarshal(data, &doc2); err != nil {
		return nil, nil, &Error{Pos: top, Msg: "cannot read the Swagger 2.0 document", Err: err}
	}
	doc, err := convertV2(s.loader(ctx), &doc2, root)
	if err != nil {
		if located := s.locate(root, err, v2Ref); located != nil {
			return nil, nil, located
		}
		pos := top
		if h := mapValue(root.root, "host"); h != nil && strings.Contains(err.Error(), "host") {
			pos = nodePos(root.name, h)
		}
		return nil, nil, &Error{Pos: pos, Msg: "cannot convert the Swagger 2.0 document to OpenAPI 3", Err: err}
	}
	attachOrigins(doc, root.root)
	return doc, r.warnings, nil
}

// v2Ref maps a reference of the converted document back to the one
// written in the 2.0 document.
func v2Ref(ref string) string {
	for _, p := range [][2]string{
		{"#/components/schemas/", "#/definitions/"},
		{"#/components/parameters/", "#/parameters/"},
		{"#/components/requestBodies/", "#/parameters/"},
		{"#/components/responses/", "#/responses/"},
	} {
		if rest, ok := strings.CutPrefix(ref, p[0]); ok {
			return p[1] + rest
		}
	}
	return ref
}

// convertV2 runs the converter, turning its panics (it has a few on
// hostile input) into errors.
func convertV2(loader *openapi3.Loader, doc2 *openapi2.T, root *sourceFile) (doc *openapi3.T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("converter failed: %v", r)
		}
	}()
	return openapi2conv.ToV3WithLoader(doc2, loader, root.url())
}

// stringFields are fields of a 2.0 document that only hold strings.
var stringFields = map[string]bool{
	"swagger": true, "version": true, "title": true, "description": true, "summary": true,
	"operationId": true, "host": true, "basePath": true,
}

// v2Reader converts a 2.0 document's node tree into values encoding/json
// accepts, noting what it leaves out.
type v2Reader struct {
	file     string
	warnings []ir.Warning
	// nodes counts the nodes visited, aliases expanded: a document that
	// expands beyond maxV2Nodes (an alias bomb) is rejected.
	nodes int
}

// maxV2Nodes bounds the expanded size of a 2.0 document.
const maxV2Nodes = 4_000_000

// value converts a node: every mapping key becomes a string (YAML reads
// `200:` as a number); a schema's items written as a list (the tuple form
// the 2.0 decoder rejects) is left out with a warning.
func (r *v2Reader) value(n *yaml.Node, depth int) any {
	r.nodes++
	if n == nil || depth > 512 || r.nodes > maxV2Nodes {
		return nil
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return r.value(n.Content[0], depth+1)
	case yaml.AliasNode:
		return r.value(n.Alias, depth+1)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Value == "<<" && k.Tag == "!!merge" {
				if merged, ok := r.value(n.Content[i+1], depth+1).(map[string]any); ok {
					for mk, mv := range merged {
						if _, set := m[mk]; !set {
							m[mk] = mv
						}
					}
				}
				continue
			}
			if k.Value == "items" && n.Content[i+1].Kind == yaml.SequenceNode {
				r.warnings = append(r.warnings, ir.Warning{Pos: nodePos(r.file, k), Message: "items given as a list (tuple form) is not supported; the elements are generated as json.RawMessage"})
				continue
			}
			if v := n.Content[i+1]; v.Kind == yaml.ScalarNode && v.Tag != "!!str" && v.Tag != "!!null" && stringFields[k.Value] {
				// `version: 1.0`: the field is a string; read it as written.
				r.warnings = append(r.warnings, ir.Warning{Pos: nodePos(r.file, v), Message: fmt.Sprintf("%s should be a string; read as %q", k.Value, v.Value)})
				m[k.Value] = v.Value
				continue
			}
			m[k.Value] = r.value(n.Content[i+1], depth+1)
		}
		return m
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			out = append(out, r.value(c, depth+1))
		}
		return out
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return n.Value
	}
	return v
}

// origin is the kin-openapi origin of an element whose key is k (in the
// root file).
func origin(k *yaml.Node) *openapi3.Origin {
	return &openapi3.Origin{Key: &openapi3.Location{Line: k.Line, Column: k.Column}}
}

// attachOrigins records, on the converted document, where definitions,
// their properties and operations are written in the 2.0 document.
func attachOrigins(doc *openapi3.T, root *yaml.Node) {
	if defs := mapValue(root, "definitions"); defs != nil && defs.Kind == yaml.MappingNode && doc.Components != nil {
		for i := 0; i+1 < len(defs.Content); i += 2 {
			k, v := defs.Content[i], defs.Content[i+1]
			schemaOrigins(doc.Components.Schemas[k.Value], k, v, 0)
		}
	}
	paths := mapValue(root, "paths")
	if paths == nil || paths.Kind != yaml.MappingNode || doc.Paths == nil {
		return
	}
	for i := 0; i+1 < len(paths.Content); i += 2 {
		item := doc.Paths.Value(paths.Content[i].Value)
		node := paths.Content[i+1]
		if item == nil || node.Kind != yaml.MappingNode {
			continue
		}
		for j := 0; j+1 < len(node.Content); j += 2 {
			k := node.Content[j]
			if op := item.GetOperation(strings.ToUpper(k.Value)); op != nil && op.Origin == nil {
				op.Origin = origin(k)
			}
		}
	}
}

// schemaOrigins records the position of a schema written under key k (its
// node is n) and of its properties, items and allOf members.
func schemaOrigins(sr *openapi3.SchemaRef, k, n *yaml.Node, depth int) {
	if sr == nil || depth > 64 {
		return
	}
	if sr.Ref != "" {
		if sr.Origin == nil {
			sr.Origin = origin(k)
		}
		return
	}
	s := sr.Value
	if s == nil || s.Origin != nil {
		return
	}
	s.Origin = origin(k)
	if props := mapValue(n, "properties"); props != nil && props.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(props.Content); i += 2 {
			schemaOrigins(s.Properties[props.Content[i].Value], props.Content[i], props.Content[i+1], depth+1)
		}
	}
	if items := mapValue(n, "items"); items != nil {
		schemaOrigins(s.Items, items, items, depth+1)
	}
	if ap := mapValue(n, "additionalProperties"); ap != nil {
		schemaOrigins(s.AdditionalProperties.Schema, ap, ap, depth+1)
	}
	if all := mapValue(n, "allOf"); all != nil && all.Kind == yaml.SequenceNode {
		for i, c := range all.Content {
			if i < len(s.AllOf) {
				schemaOrigins(s.AllOf[i], c, c, depth+1)
			}
		}
	}
}

package openapi

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/infgen/infgen/ir"
)

// hookSchemas collects the payload schemas of the hooks, with the component
// schemas they refer to, into the document the generated package embeds.
type hookSchemas struct {
	c   *converter
	out map[string]any
}

var refPattern = regexp.MustCompile(`"\$ref":"([^"]*)"`)

// add records the schema validating h's JSON payload and returns its name
// under components.schemas: the component's own name when the payload is a
// reference to one, else "infgen.<signal>". It returns "" (with a warning)
// when the schema refers to something outside components.schemas.
func (s *hookSchemas) add(h *ir.Hook, op *openapi3.Operation) string {
	if op == nil || op.RequestBody == nil || op.RequestBody.Value == nil {
		return ""
	}
	mt, media := firstContent(op.RequestBody.Value.Content)
	if media == nil || media.Schema == nil || mediaRank(mt) > 1 {
		return ""
	}
	name := "infgen." + h.Signal
	if key, ok := strings.CutPrefix(media.Schema.Ref, componentsPrefix); ok {
		name = key
	}
	if _, done := s.out[name]; done {
		return name
	}
	pending := map[string]*openapi3.SchemaRef{name: media.Schema}
	if media.Schema.Ref != "" {
		pending[name] = s.component(name)
	}
	added := map[string]json.RawMessage{}
	for len(pending) > 0 {
		for key, ref := range pending {
			delete(pending, key)
			if ref == nil {
				s.c.warn(h.Pos, fmt.Sprintf("%s %s: payload schema %s not found; deliveries are not validated against the schema", h.Kind, h.Name, key))
				return ""
			}
			b, err := json.Marshal(ref)
			if err != nil {
				s.c.warn(h.Pos, fmt.Sprintf("%s %s: payload schema cannot be embedded (%v); deliveries are not validated against the schema", h.Kind, h.Name, err))
				return ""
			}
			added[key] = b
			for _, m := range refPattern.FindAllSubmatch(b, -1) {
				target, ok := strings.CutPrefix(string(m[1]), componentsPrefix)
				if !ok {
					s.c.warn(h.Pos, fmt.Sprintf("%s %s: payload schema refers to %s outside components.schemas; deliveries are not validated against the schema", h.Kind, h.Name, m[1]))
					return ""
				}
				if _, seen := added[target]; !seen && s.out[target] == nil {
					pending[target] = s.component(target)
				}
			}
		}
	}
	for k, v := range added {
		s.out[k] = v
	}
	return name
}

func (s *hookSchemas) component(key string) *openapi3.SchemaRef {
	if s.c.doc.Components == nil {
		return nil
	}
	ref := s.c.doc.Components.Schemas[key]
	if ref == nil || ref.Ref != "" {
		return ref
	}
	return &openapi3.SchemaRef{Value: ref.Value}
}

// document returns the OpenAPI document holding the collected schemas, or
// "" when there are none.
func (s *hookSchemas) document() string {
	if len(s.out) == 0 {
		return ""
	}
	version := s.c.doc.OpenAPI
	if version == "" {
		version = "3.0.3"
	}
	b, err := json.Marshal(map[string]any{
		"openapi":    version,
		"info":       map[string]string{"title": "webhook and callback payloads", "version": "1"},
		"paths":      map[string]any{},
		"components": map[string]any{"schemas": s.out},
	})
	if err != nil {
		return ""
	}
	return string(b)
}

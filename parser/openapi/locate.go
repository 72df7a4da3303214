package openapi

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/infgen/infgen/ir"
)

// loaderBadData finds the reference in kin-openapi's "bad data" errors.
var loaderBadData = regexp.MustCompile(`bad data in "([^"]+)" \((expecting [^)]*)\)`)

// loaderNotObject finds the kind of element in kin-openapi's "value MUST be
// an object" errors.
var loaderNotObject = regexp.MustCompile(`invalid (\w+): value MUST be an object`)

// emptyPlaces are, per kind of element, the keys of the mappings and lists
// holding such elements and the keys holding one directly.
var emptyPlaces = map[string]struct{ containers, direct []string }{
	"response":       {containers: []string{"responses"}},
	"parameter":      {containers: []string{"parameters"}},
	"header":         {containers: []string{"headers"}},
	"example":        {containers: []string{"examples"}},
	"callback":       {containers: []string{"callbacks"}},
	"link":           {containers: []string{"links"}},
	"requestBody":    {containers: []string{"requestBodies"}, direct: []string{"requestBody"}},
	"securityScheme": {containers: []string{"securitySchemes", "securityDefinitions"}},
	"schema": {
		containers: []string{"properties", "definitions", "schemas", "patternProperties", "allOf", "oneOf", "anyOf"},
		direct:     []string{"schema", "items", "not"},
	},
}

// locate points at the construct behind a load error kin-openapi reports
// without a position (or with a JSON pointer only), or returns nil.
// v2Ref, when set, maps an OpenAPI 3 reference to the one written in a
// converted Swagger 2.0 document.
func (s *fileSet) locate(root *sourceFile, loadErr error, v2Ref func(string) string) error {
	// A value of the wrong type: point at it.
	for _, p := range decodeProblems(loadErr) {
		pos := ir.Pos{File: root.name, Line: max(p.line, 1), Col: 1}
		if f, _, value := s.findEntry(p); f != nil {
			pos = nodePos(f.name, value)
		}
		return &Error{Pos: pos, Msg: "invalid document: " + p.describe()}
	}
	msg := loadErr.Error()
	// A parameter with both schema and content: point at the parameter.
	if strings.Contains(msg, "both schema and content") {
		if pos, ok := s.findMapping(func(m *yaml.Node) bool {
			return mapValue(m, "in") != nil && mapValue(m, "schema") != nil && mapValue(m, "content") != nil
		}); ok {
			return &Error{Pos: pos, Msg: "a parameter has both schema and content: keep one of them"}
		}
	}
	// Swagger 2.0 body and formData parameters in one operation.
	if strings.Contains(msg, "body and form parameters") {
		if pos, ok := s.findMapping(func(m *yaml.Node) bool {
			return hasParamIn(m, "body") && hasParamIn(m, "formData")
		}); ok {
			return &Error{Pos: pos, Msg: "an operation has both a body parameter and formData parameters: keep one kind"}
		}
	}
	// An element written as null (or left empty): point at it.
	if m := loaderNotObject.FindStringSubmatch(msg); m != nil {
		if pos, ok := s.findEmpty(m[1]); ok {
			return &Error{Pos: pos, Msg: fmt.Sprintf("a %s is empty: it must be an object", m[1])}
		}
	}
	// A reference to an object of the wrong kind: point at the reference.
	if m := loaderBadData.FindStringSubmatch(msg); m != nil {
		ref := m[1]
		if v2Ref != nil {
			ref = v2Ref(ref)
		}
		if pos, ok := s.findRef(ref); ok {
			return &Error{Pos: pos, Msg: fmt.Sprintf("$ref %q points at the wrong kind of object: %s", ref, m[2])}
		}
	}
	// Any other YAML construction error names its line: point at it.
	if m := loaderYAMLLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{Pos: linePos(root, line), Msg: "invalid document: " + m[2]}
	}
	return nil
}

// loaderYAMLLine finds the first problem of a YAML construction error.
var loaderYAMLLine = regexp.MustCompile(`construct errors: line (\d+): ([^;]+)`)

// linePos is the position of the first non-blank character of a line of
// the root file.
func linePos(f *sourceFile, line int) ir.Pos {
	pos := ir.Pos{File: f.name, Line: max(line, 1), Col: 1}
	lines := strings.SplitN(string(f.data), "\n", line+1)
	if line >= 1 && line <= len(lines) {
		text := lines[line-1]
		pos.Col = len(text) - len(strings.TrimLeft(text, " \t")) + 1
	}
	return pos
}

// hasParamIn reports an operation whose parameters include one in location in.
func hasParamIn(op *yaml.Node, in string) bool {
	params := mapValue(op, "parameters")
	if params == nil || params.Kind != yaml.SequenceNode {
		return false
	}
	for _, p := range params.Content {
		if v := mapValue(p, "in"); v != nil && v.Value == in {
			return true
		}
	}
	return false
}

// findEmpty finds a null element of the given kind.
func (s *fileSet) findEmpty(kind string) (ir.Pos, bool) {
	places, ok := emptyPlaces[kind]
	if !ok {
		return ir.Pos{}, false
	}
	isNull := func(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }
	var found *yaml.Node
	match := func(m *yaml.Node) bool {
		for i := 0; i+1 < len(m.Content); i += 2 {
			k, v := m.Content[i], m.Content[i+1]
			switch {
			case contains(places.direct, k.Value) && isNull(v):
				found = k
			case contains(places.containers, k.Value) && (v.Kind == yaml.MappingNode || v.Kind == yaml.SequenceNode):
				for j, c := range v.Content {
					if isNull(c) && (v.Kind == yaml.SequenceNode || j%2 == 1) {
						found = c
						if v.Kind == yaml.MappingNode {
							found = v.Content[j-1]
						}
						break
					}
				}
			}
			if found != nil {
				return true
			}
		}
		return false
	}
	for _, f := range s.order {
		if f.root != nil && findNode(f.root, match) != nil {
			return nodePos(f.name, found), true
		}
	}
	return ir.Pos{}, false
}

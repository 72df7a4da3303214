package openapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"

	"github.com/infgen/infgen/ir"
)

// sourceFile is one input file, parsed into a YAML node tree for positions
// and $ref checks.
type sourceFile struct {
	// name is the path as given or joined from $refs (used in errors).
	name string
	abs  string
	data []byte
	root *yaml.Node
}

func (f *sourceFile) url() *url.URL { return &url.URL{Path: filepath.ToSlash(f.abs)} }

// fileSet holds every file of the document, keyed by absolute path.
type fileSet struct {
	dir   string
	files map[string]*sourceFile
	order []*sourceFile
}

func newFileSet(dir string) *fileSet {
	return &fileSet{dir: dir, files: map[string]*sourceFile{}}
}

// displayName names a file the way the user named the root document: a
// path the loader hands over as absolute becomes relative to the root's
// directory, as given ("api/schemas/pet.yaml").
func (s *fileSet) displayName(abs string) string {
	absDir, err := filepath.Abs(s.dir)
	if err != nil {
		return abs
	}
	rel, err := filepath.Rel(absDir, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return abs
	}
	return filepath.Join(s.dir, rel)
}

// addRaw registers a file's bytes without parsing it; JSON documents are
// syntax-checked (cheaply) so their errors carry positions.
func (s *fileSet) addRaw(name string, data []byte) (*sourceFile, error) {
	abs, err := filepath.Abs(name)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", name, err)
	}
	if f, ok := s.files[abs]; ok {
		return f, nil
	}
	// A byte order mark (Windows editors write one) is not part of the
	// document; neither decoder wants it.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if err := checkJSONSyntax(name, data); err != nil {
		return nil, err
	}
	f := &sourceFile{name: name, abs: abs, data: data}
	s.files[abs] = f
	s.order = append(s.order, f)
	return f, nil
}

// parse builds the YAML node tree of a file (once), reporting syntax errors
// with positions.
func (s *fileSet) parse(f *sourceFile) error {
	if f.root != nil {
		return nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(f.data, &doc); err != nil {
		pos := ir.Pos{File: f.name, Line: 1, Col: 1}
		var le *yaml.LoadError
		if errors.As(err, &le) && le.Mark.Line > 0 {
			pos.Line, pos.Col = le.Mark.Line, max(le.Mark.Column, 1)
			return &Error{Pos: pos, Msg: "invalid YAML: " + le.Message}
		}
		return &Error{Pos: pos, Msg: "invalid YAML", Err: err}
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return &Error{Pos: nodePos(f.name, root), Msg: "not an OpenAPI document: the top level must be a mapping"}
	}
	f.root = root
	return nil
}

// checkJSONSyntax validates documents that look like JSON with encoding/json,
// which reports errors more precisely than a YAML parser would.
func checkJSONSyntax(name string, data []byte) error {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return &Error{Pos: ir.Pos{File: name, Line: 1, Col: 1}, Msg: "empty document"}
	}
	if trimmed[0] != '{' && trimmed[0] != '[' {
		return nil
	}
	if json.Valid(data) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var v any
	err := dec.Decode(&v)
	if err == nil {
		if _, err2 := dec.Token(); err2 == nil {
			off := int(dec.InputOffset())
			return &Error{Pos: offsetPos(name, data, off), Msg: "invalid JSON: unexpected data after the top-level value"}
		}
		return nil
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &Error{Pos: offsetPos(name, data, int(se.Offset)-1), Msg: "invalid JSON: " + se.Error()}
	}
	return &Error{Pos: offsetPos(name, data, len(data)), Msg: "invalid JSON", Err: err}
}

// offsetPos converts a byte offset into a line and column.
func offsetPos(name string, data []byte, off int) ir.Pos {
	off = min(max(off, 0), len(data))
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := off - bytes.LastIndexByte(before, '\n')
	return ir.Pos{File: name, Line: line, Col: max(col, 1)}
}

// load reads and parses a file referenced by a $ref.
func (s *fileSet) load(name string) (*sourceFile, error) {
	abs, err := filepath.Abs(name)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", name, err)
	}
	if f, ok := s.files[abs]; ok {
		return f, nil
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return s.addRaw(name, data)
}

// readFromURI serves kin-openapi's loader from the files already read and
// checked; only local files are allowed.
func (s *fileSet) readFromURI(_ *openapi3.Loader, u *url.URL) ([]byte, error) {
	if u.Scheme != "" && u.Scheme != "file" {
		return nil, fmt.Errorf("remote $ref %s: only local files are supported", u)
	}
	p := filepath.FromSlash(u.Path)
	if f, ok := s.files[p]; ok {
		return f.data, nil
	}
	f, err := s.load(s.displayName(p))
	if err != nil {
		return nil, err
	}
	return f.data, nil
}

// nodePos is the position of a YAML node.
func nodePos(file string, n *yaml.Node) ir.Pos {
	if n == nil {
		return ir.Pos{File: file, Line: 1, Col: 1}
	}
	return ir.Pos{File: file, Line: n.Line, Col: n.Column}
}

// mapValue returns the value of key in mapping node m, or nil.
func mapValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// lookupPointer resolves a JSON pointer ("/components/schemas/Pet") in a
// node tree.
func lookupPointer(root *yaml.Node, pointer string) *yaml.Node {
	n := root
	if pointer == "" || pointer == "/" {
		return n
	}
	for _, part := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		part, _ = url.PathUnescape(part)
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		for n != nil && n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		switch {
		case n == nil:
			return nil
		case n.Kind == yaml.MappingNode:
			n = mapValue(n, part)
		case n.Kind == yaml.SequenceNode:
			var i int
			if _, err := fmt.Sscanf(part, "%d", &i); err != nil || i < 0 || i >= len(n.Content) {
				return nil
			}
			n = n.Content[i]
		default:
			return nil
		}
	}
	return n
}

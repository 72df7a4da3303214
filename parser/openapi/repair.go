package openapi

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"

	"github.com/infgen/infgen/ir"
)

// decodeProblem is one value kin-openapi's decoder could not read: its
// YAML tag, the Go type it wanted, the field (for struct fields) and the
// JSON pointer of the holder, as the decoder reports them.
type decodeProblem struct {
	line    int
	tag     string
	target  string
	field   string
	pointer string
}

// decodeProblemRE matches the decoder's reports, joined with "; " when
// there are several: "line 3: cannot unmarshal !!float into string field
// "version" in /info", "cannot construct !!seq into openapi3.Schema in
// /components/schemas/A/items".
var decodeProblemRE = regexp.MustCompile(`(?:line (\d+): )?cannot (?:construct|unmarshal) (!!\w+)(?: \x60[^\x60]*\x60)? into (.+?)(?: field "([^"]*)")?(?: in (/[^;]*))?(?:; |$)`)

// decodeProblems extracts the decoder's reports from a load error.
func decodeProblems(err error) []decodeProblem {
	var out []decodeProblem
	for _, m := range decodeProblemRE.FindAllStringSubmatch(err.Error(), -1) {
		line, _ := strconv.Atoi(m[1])
		out = append(out, decodeProblem{line: line, tag: m[2], target: m[3], field: m[4], pointer: m[5]})
	}
	return out
}

// valuePointer is the pointer of the value itself (the holder's pointer
// plus the field, for struct fields).
func (p decodeProblem) valuePointer() string {
	if p.field == "" {
		return p.pointer
	}
	return p.pointer + "/" + escapePointer(p.field)
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// describe says in words what was found and what was expected.
func (p decodeProblem) describe() string {
	found := map[string]string{"!!seq": "a list", "!!map": "an object", "!!int": "a number", "!!float": "a number", "!!bool": "a boolean", "!!str": "a string", "!!null": "null"}[p.tag]
	if found == "" {
		found = p.tag
	}
	want := p.target
	switch {
	case want == "openapi3.Schema":
		want = "a schema"
	case strings.HasPrefix(want, "openapi3."):
		want = "a " + strings.TrimPrefix(want, "openapi3.") + " object"
	case strings.HasPrefix(want, "[]"):
		want = "a list"
	case strings.HasPrefix(want, "map["):
		want = "an object"
	case want == "string":
		want = "a string"
	case want == "bool":
		want = "a boolean"
	case strings.HasPrefix(want, "int"), strings.HasPrefix(want, "uint"), strings.HasPrefix(want, "float"):
		want = "a number"
	}
	where := p.valuePointer()
	if where == "" {
		where = "/"
	}
	return fmt.Sprintf("found %s where %s is expected (at %s)", found, want, where)
}

// edit replaces size bytes at off with text.
type edit struct {
	off, size int
	text      string
}

// repair rewrites the values of the document's files that kin-openapi
// cannot decode but that carry no meaning for the generated code, or whose
// meaning is unambiguous, without moving any line:
//
//   - a number or boolean where a string is expected (`version: 1.0`) is
//     quoted;
//   - a schema's `examples` written as an object (the media type form) and
//     a schema's `items` written as a list (the tuple form of older JSON
//     Schema drafts) are renamed to an extension of the same length, so
//     they are ignored (the array's elements become arbitrary JSON).
//
// The decoder names the value by a JSON pointer but not the file: the
// first file (the root first) holding an entry there is taken. repair
// rewrites the files' data and returns a warning per change, or ok false
// (changing nothing) when some problem is of another kind.
func (s *fileSet) repair(loadErr error) (warnings []ir.Warning, ok bool) {
	problems := decodeProblems(loadErr)
	if len(problems) == 0 {
		return nil, false
	}
	edits := map[*sourceFile][]edit{}
	for _, p := range problems {
		f, key, value := s.findEntry(p)
		if f == nil {
			return nil, false
		}
		var e edit
		switch {
		case key == nil:
			ok = false
		case p.target == "string" && value.Kind == yaml.ScalarNode && (p.tag == "!!int" || p.tag == "!!float" || p.tag == "!!bool"):
			e, ok = quoteScalar(f.data, value)
			warnings = append(warnings, ir.Warning{Pos: nodePos(f.name, value), Message: fmt.Sprintf("%s should be a string; read as %q", key.Value, value.Value)})
		case key.Value == "examples" && p.tag == "!!map" && strings.HasPrefix(p.target, "[]"):
			e, ok = renameKey(f.data, key)
			warnings = append(warnings, ir.Warning{Pos: nodePos(f.name, key), Message: "examples of a schema must be a list; the object given is ignored"})
		case key.Value == "items" && p.tag == "!!seq" && p.target == "openapi3.Schema":
			e, ok = renameKey(f.data, key)
			warnings = append(warnings, ir.Warning{Pos: nodePos(f.name, key), Message: "items given as a list (tuple form) is not supported; the elements are generated as json.RawMessage"})
		default:
			ok = false
		}
		if !ok {
			return nil, false
		}
		edits[f] = append(edits[f], e)
	}
	fixed := map[*sourceFile][]byte{}
	for f, es := range edits {
		data, ok := applyEdits(f.data, es)
		if !ok {
			return nil, false
		}
		fixed[f] = data
	}
	for f, data := range fixed {
		f.data, f.root = data, nil
	}
	return warnings, true
}

// findEntry finds the file, key (nil for a list element) and value a
// problem names.
func (s *fileSet) findEntry(p decodeProblem) (*sourceFile, *yaml.Node, *yaml.Node) {
	if p.pointer == "" && p.field == "" {
		return nil, nil, nil
	}
	for _, f := range s.order {
		if s.parse(f) != nil {
			continue
		}
		if key, value := mapEntry(f.root, p); value != nil {
			return f, key, value
		}
	}
	return nil, nil, nil
}

// applyEdits applies edits from the end, so that offsets computed on the
// original data stay right when two edits share a line.
func applyEdits(data []byte, edits []edit) ([]byte, bool) {
	slices.SortFunc(edits, func(a, b edit) int { return b.off - a.off })
	out := bytes.Clone(data)
	for i, e := range edits {
		if i > 0 && e.off+e.size > edits[i-1].off {
			return nil, false
		}
		out = slices.Concat(out[:e.off], []byte(e.text), out[e.off+e.size:])
	}
	return out, true
}

// mapEntry finds the key and value nodes a problem names: the field of
// the holder, or the last segment of the pointer in its parent (a list
// element has no key).
func mapEntry(root *yaml.Node, p decodeProblem) (key, value *yaml.Node) {
	holderPtr, name := p.pointer, p.field
	if name == "" {
		i := strings.LastIndexByte(p.pointer, '/')
		if i < 0 {
			return nil, nil
		}
		holderPtr = p.pointer[:i]
		name = strings.ReplaceAll(strings.ReplaceAll(p.pointer[i+1:], "~1", "/"), "~0", "~")
	}
	holder := lookupPointer(root, holderPtr)
	if holder != nil && holder.Kind == yaml.SequenceNode {
		// An element of a list has no key.
		return nil, lookupPointer(root, p.valuePointer())
	}
	if holder == nil || holder.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(holder.Content); i += 2 {
		if holder.Content[i].Value == name {
			return holder.Content[i], holder.Content[i+1]
		}
	}
	return nil, nil
}

// offset converts a node's line and column (1-based, in characters) into a
// byte offset of data, or -1.
func offset(data []byte, n *yaml.Node) int {
	off := 0
	for line := 1; line < n.Line; line++ {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			return -1
		}
		off += i + 1
	}
	for col := 1; col < n.Column; col++ {
		if off >= len(data) || data[off] == '\n' {
			return -1
		}
		_, size := utf8.DecodeRune(data[off:])
		off += size
	}
	return off
}

// quoteScalar wraps a plain scalar (a YAML or JSON number or boolean) in
// double quotes; the line grows by two bytes, no other line moves.
func quoteScalar(data []byte, n *yaml.Node) (edit, bool) {
	off := offset(data, n)
	if off < 0 || n.Style != 0 || !bytes.HasPrefix(data[off:], []byte(n.Value)) {
		return edit{}, false
	}
	return edit{off: off, size: len(n.Value), text: strconv.Quote(n.Value)}, true
}

// renameKey replaces a key by an extension name of the same length
// ("examples" → "x-exampl"), which the loader ignores.
func renameKey(data []byte, key *yaml.Node) (edit, bool) {
	off := offset(data, key)
	if off < 0 || len(key.Value) < 3 {
		return edit{}, false
	}
	if data[off] == '"' || data[off] == '\'' {
		off++
	}
	if !bytes.HasPrefix(data[off:], []byte(key.Value)) {
		return edit{}, false
	}
	return edit{off: off, size: len(key.Value), text: "x-" + key.Value[:len(key.Value)-2]}, true
}

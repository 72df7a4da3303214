package openapi

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/infgen/infgen/ir"
)

// checkRefs walks every $ref reachable from root (following relative files)
// and reports the first one that does not resolve, at its position.
func (s *fileSet) checkRefs(root *sourceFile) error {
	seen := map[*sourceFile]bool{}
	queue := []*sourceFile{root}
	for len(queue) > 0 {
		f := queue[0]
		queue = queue[1:]
		if seen[f] {
			continue
		}
		seen[f] = true
		if err := s.parse(f); err != nil {
			return err
		}
		next, err := s.checkFileRefs(f)
		if err != nil {
			return err
		}
		queue = append(queue, next...)
	}
	return nil
}

// checkFileRefs checks the $refs of one file and returns the files they lead to.
func (s *fileSet) checkFileRefs(f *sourceFile) ([]*sourceFile, error) {
	var next []*sourceFile
	var walk func(n *yaml.Node) error
	walk = func(n *yaml.Node) error {
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if k.Value == "$ref" && v.Kind == yaml.ScalarNode {
					target, err := s.resolveRef(f, v.Value)
					var inner *Error
					if errors.As(err, &inner) {
						// The referenced file itself is broken: point into it.
						return inner
					}
					if err != nil {
						return &Error{Pos: nodePos(f.name, v), Msg: fmt.Sprintf("unresolved $ref %q", v.Value), Err: err}
					}
					if target != nil && target != f {
						next = append(next, target)
					}
					continue
				}
				if err := walk(v); err != nil {
					return err
				}
			}
		case yaml.SequenceNode:
			for _, c := range n.Content {
				if err := walk(c); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return next, walk(f.root)
}

// resolveRef checks that ref, found in file f, points at something.
func (s *fileSet) resolveRef(f *sourceFile, ref string) (*sourceFile, error) {
	loc, frag, _ := strings.Cut(ref, "#")
	target := f
	if loc != "" {
		u, err := url.Parse(loc)
		if err != nil {
			return nil, fmt.Errorf("malformed reference: %w", err)
		}
		if u.Scheme != "" && u.Scheme != "file" {
			return nil, errors.New("remote references are not supported: download the file and refer to it by a relative path")
		}
		p := filepath.FromSlash(u.Path)
		if !filepath.IsAbs(p) {
			p = filepath.Join(filepath.Dir(f.name), p)
		}
		target, err = s.load(p)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("file %s does not exist", p)
			}
			return nil, err
		}
	}
	if err := s.parse(target); err != nil {
		return nil, err
	}
	if frag == "" {
		return target, nil
	}
	if !strings.HasPrefix(frag, "/") {
		return nil, errors.New("only JSON pointer fragments (#/...) are supported")
	}
	if lookupPointer(target.root, frag) == nil {
		return nil, fmt.Errorf("%s has nothing at #%s", target.name, frag)
	}
	return target, nil
}

// findRef returns the position of the first $ref with the given value in
// the files parsed so far.
func (s *fileSet) findRef(ref string) (ir.Pos, bool) {
	for _, f := range s.order {
		if f.root == nil {
			continue
		}
		if n := findRefNode(f.root, ref); n != nil {
			return nodePos(f.name, n), true
		}
	}
	return ir.Pos{}, false
}

func findRefNode(n *yaml.Node, ref string) *yaml.Node {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Value == "$ref" && v.Kind == yaml.ScalarNode && v.Value == ref {
				return v
			}
			if found := findRefNode(v, ref); found != nil {
				return found
			}
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if found := findRefNode(c, ref); found != nil {
				return found
			}
		}
	}
	return nil
}

// findMapping returns the position of the first mapping node (in file
// order) that match accepts.
func (s *fileSet) findMapping(match func(*yaml.Node) bool) (ir.Pos, bool) {
	for _, f := range s.order {
		if f.root == nil {
			continue
		}
		if n := findNode(f.root, match); n != nil {
			return nodePos(f.name, n), true
		}
	}
	return ir.Pos{}, false
}

func findNode(n *yaml.Node, match func(*yaml.Node) bool) *yaml.Node {
	if n.Kind == yaml.MappingNode && match(n) {
		return n
	}
	for _, c := range n.Content {
		if found := findNode(c, match); found != nil {
			return found
		}
	}
	return nil
}

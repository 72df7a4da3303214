package openapi

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v4"
)

// refNode is a mapping holding a $ref ({$ref: '#/components/schemas/B'}).
type refNode struct {
	file *sourceFile
	// ref is the $ref's value node (its position is reported).
	ref *yaml.Node
}

// refCycle finds $refs that lead, through nothing but other $refs, back to
// themselves (A: {$ref: B}, B: {$ref: A}): such schemas are only names for
// each other and never reach a definition. kin-openapi accepts them and
// leaves their values empty. The first cycle, in file and document order,
// is reported at its first $ref, naming the position of every other $ref
// of the cycle.
func (s *fileSet) refCycle(root *sourceFile) error {
	if err := s.checkRefs(root); err != nil {
		return err
	}
	var refs []refNode
	index := map[*yaml.Node]int{} // mapping node → index in refs
	var walk func(f *sourceFile, n *yaml.Node)
	walk = func(f *sourceFile, n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			if v := mapValue(n, "$ref"); v != nil && v.Kind == yaml.ScalarNode {
				index[n] = len(refs)
				refs = append(refs, refNode{file: f, ref: v})
				return
			}
		}
		for _, c := range n.Content {
			walk(f, c)
		}
	}
	for _, f := range s.order {
		if f.root != nil {
			walk(f, f.root)
		}
	}
	next := make([]int, len(refs))
	for i, r := range refs {
		next[i] = -1
		if t := s.refTarget(r.file, r.ref.Value); t != nil {
			if j, ok := index[t]; ok {
				next[i] = j
			}
		}
	}
	const (
		unseen = iota
		onPath
		done
	)
	state := make([]int, len(refs))
	for i := range refs {
		var path []int
		j := i
		for j >= 0 && state[j] == unseen {
			state[j] = onPath
			path = append(path, j)
			j = next[j]
		}
		if j >= 0 && state[j] == onPath {
			return cycleError(refs, path[slices.Index(path, j):])
		}
		for _, k := range path {
			state[k] = done
		}
	}
	return nil
}

// refTarget is the node a $ref found in f points at, or nil.
func (s *fileSet) refTarget(f *sourceFile, ref string) *yaml.Node {
	target, err := s.resolveRef(f, ref)
	if err != nil || target == nil || target.root == nil {
		return nil
	}
	_, frag, _ := strings.Cut(ref, "#")
	n := lookupPointer(target.root, frag)
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// cycleError reports a cycle at its earliest $ref.
func cycleError(refs []refNode, cycle []int) error {
	first := slices.MinFunc(cycle, func(a, b int) int { return a - b })
	at := slices.Index(cycle, first)
	cycle = append(cycle[at:], cycle[:at]...)
	r := refs[cycle[0]]
	pos := nodePos(r.file.name, r.ref)
	if len(cycle) == 1 {
		return &Error{Pos: pos, Msg: fmt.Sprintf("$ref %q refers to the very object that holds it, which is only this reference: "+
			"it never reaches a definition; give the schema a type or properties", r.ref.Value)}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "$ref cycle: %q here", r.ref.Value)
	for _, i := range cycle[1:] {
		o := refs[i]
		fmt.Fprintf(&b, ", then %q at %s", o.ref.Value, nodePos(o.file.name, o.ref))
	}
	b.WriteString(", lead back here: these schemas are only references to each other and never reach a definition; give one of them a type or properties")
	return &Error{Pos: pos, Msg: b.String()}
}

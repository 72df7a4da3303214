package openapi

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/infgen/infgen/ir"
)

// SelectOperations generates only some operations of the document: those
// whose operationId or method name is in ids, those tagged with one of
// tags, and the operations that compensate them (x-infgen-compensate). The
// types they do not use are left out too, so that a package for the few
// calls a workflow makes to a large API stays small. Names are those of the
// whole document: a selected package is a part of the full one, and a
// method keeps its name, and so its route, whatever else is selected.
// Naming an operation or tag the document does not have is an error.
func SelectOperations(ids, tags []string) Option {
	return func(o *options) {
		o.selectIDs = append(o.selectIDs, ids...)
		o.selectTags = append(o.selectTags, tags...)
	}
}

// selectOperations keeps the selected methods of svc (ops and svc.Methods
// are in the same order) and the types they reach; it does nothing without
// a selection.
func (c *converter) selectOperations(ops []*operation, svc *ir.Service) error {
	if len(c.opts.selectIDs) == 0 && len(c.opts.selectTags) == 0 {
		return nil
	}
	byID, byName, byTag := map[string]int{}, map[string]int{}, map[string][]int{}
	for i, o := range ops {
		if o.op.OperationID != "" {
			byID[o.op.OperationID] = i
		}
		byName[svc.Methods[i].Name] = i
		for _, t := range o.op.Tags {
			byTag[t] = append(byTag[t], i)
		}
	}
	keep := make([]bool, len(ops))
	for _, id := range c.opts.selectIDs {
		i, ok := byID[id]
		if !ok {
			i, ok = byName[id]
		}
		if !ok {
			known := byID
			if len(known) == 0 {
				known = byName
			}
			return fmt.Errorf("select operations: %s has no operation %q%s", c.root.name, id, closest(id, known))
		}
		keep[i] = true
	}
	for _, t := range c.opts.selectTags {
		is, ok := byTag[t]
		if !ok {
			return fmt.Errorf("select operations: no operation of %s is tagged %q%s", c.root.name, t, closest(t, byTag))
		}
		for _, i := range is {
			keep[i] = true
		}
	}
	// A kept operation's compensation is kept with it (and its own, in
	// turn): the stub's saga methods call it.
	for changed := true; changed; {
		changed = false
		for i, m := range svc.Methods {
			if keep[i] && m.Compensate != nil && !keep[byName[m.Compensate.Method]] {
				keep[byName[m.Compensate.Method]], changed = true, true
			}
		}
	}
	var methods []ir.Method
	for i, m := range svc.Methods {
		if keep[i] {
			methods = append(methods, m)
		}
		c.owners = append(c.owners, owner{pos: m.Pos, kept: keep[i]})
	}
	svc.Methods = methods
	c.spec.Selection = selection(c.opts.selectIDs, c.opts.selectTags, len(methods), len(ops))
	return nil
}

// selection describes a selection for the package's documentation.
func selection(ids, tags []string, kept, all int) string {
	var parts []string
	if len(ids) > 0 {
		parts = append(parts, "operations "+strings.Join(ids, ", "))
	}
	if len(tags) > 0 {
		parts = append(parts, "operations tagged "+strings.Join(tags, ", "))
	}
	return fmt.Sprintf("%s (%d of %d operations)", strings.Join(parts, " and "), kept, all)
}

// owner is an operation or a type, whose warnings are shown when it is
// generated.
type owner struct {
	pos  ir.Pos
	kept bool
}

// selectedWarnings keeps the warnings of what a selection generates: a
// warning belongs to the nearest operation or type declared before it in
// its file (their declarations do not overlap but for inline types, which
// are declared inside what uses them), and is dropped when that one is.
func (c *converter) selectedWarnings(ws []ir.Warning) []ir.Warning {
	less := func(a, b ir.Pos) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
	}
	owners := slices.Clone(c.owners)
	slices.SortStableFunc(owners, func(a, b owner) int { return less(a.pos, b.pos) })
	return slices.DeleteFunc(ws, func(w ir.Warning) bool {
		i, found := slices.BinarySearchFunc(owners, w.Pos, func(o owner, p ir.Pos) int { return less(o.pos, p) })
		if !found {
			i--
		}
		return i >= 0 && owners[i].pos.File == w.Pos.File && !owners[i].kept
	})
}

// pruneTypes drops the types that no method, callback or webhook of s
// reaches, keeping the others in their order, and records them all as
// owners of warnings.
func (c *converter) pruneTypes(s *ir.Spec) {
	byName := make(map[string]*ir.Type, len(s.Types))
	for i := range s.Types {
		byName[s.Types[i].Name] = &s.Types[i]
	}
	reached := map[string]bool{}
	var ref func(r *ir.TypeRef)
	ref = func(r *ir.TypeRef) {
		for ; r != nil; r = r.Elem {
			if r.Kind != ir.KindNamed || reached[r.Name] {
				continue
			}
			reached[r.Name] = true
			t, ok := byName[r.Name]
			if !ok {
				continue
			}
			for i := range t.Fields {
				ref(&t.Fields[i].Type)
			}
			ref(t.Additional)
			ref(t.Alias)
			if t.Union != nil {
				for i := range t.Union.Variants {
					ref(&t.Union.Variants[i].Type)
				}
			}
		}
	}
	body := func(b *ir.Body) {
		if b == nil {
			return
		}
		for i := range b.Contents {
			ref(&b.Contents[i].Type)
		}
	}
	hook := func(h *ir.Hook) { body(h.Payload) }
	for _, svc := range s.Services {
		for _, m := range svc.Methods {
			if m.HTTP == nil {
				continue
			}
			for i := range m.HTTP.Params {
				ref(&m.HTTP.Params[i].Type)
			}
			body(m.HTTP.Body)
			for _, r := range m.HTTP.Responses {
				for i := range r.Contents {
					ref(&r.Contents[i].Type)
				}
				for i := range r.Headers {
					ref(&r.Headers[i].Type)
				}
			}
			for i := range m.Callbacks {
				hook(&m.Callbacks[i])
			}
		}
	}
	for i := range s.Webhooks {
		hook(&s.Webhooks[i])
	}
	for _, t := range s.Types {
		c.owners = append(c.owners, owner{pos: t.Pos, kept: reached[t.Name]})
	}
	s.Types = slices.DeleteFunc(s.Types, func(t ir.Type) bool { return !reached[t.Name] })
}

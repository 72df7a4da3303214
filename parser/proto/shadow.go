package proto

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/parser"
	"github.com/bufbuild/protocompile/reporter"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/infgen/infgen/ir"
)

// A method's request or response type written without a package, such as
// Register in
//
//	message Register { … }
//	service Accounts { rpc Register(Register) returns (Register); }
//
// is looked up in the service's scope first, where protoc (and protocompile,
// which follows it) finds the method Register and stops: "Register is a
// method, not a message" (protobuf issue 3377). The intent is plain, and
// nothing in the generated code collides (the registration function is
// RegisterAccounts), so infgen resolves such a name as a type, the way
// protoc already does for a qualified name (Register.Inner) and for field
// types: the methods whose names shadow a type reference of their service
// are renamed for linking only, the files are linked again, and the names
// are restored in the linked descriptors. A warning at the reference says
// that protoc rejects the file and how to write it for both
// (Register → pkg.Register).

// shadowedError reports whether a compile error is the method-shadows-type
// error that unshadowing fixes.
func shadowedError(err error) bool {
	return strings.Contains(err.Error(), "is a method, not a message")
}

// unshadowing is a resolver serving the files of res parsed, with the
// shadowing methods renamed.
type unshadowing struct {
	res *resolver

	mu       sync.Mutex
	renamed  map[string]map[string]string // file → "service/new name" → old name
	refs     []shadowedRef
	warnings []ir.Warning
}

// shadowedRef is a type reference that names a method.
type shadowedRef struct {
	file, service, method string
	response              bool
	text                  string // the reference as written
	pos                   ir.Pos
}

// FindFileByPath implements protocompile.Resolver.
func (u *unshadowing) FindFileByPath(name string) (protocompile.SearchResult, error) {
	sr, err := u.res.FindFileByPath(name)
	if err != nil || sr.Source == nil {
		return sr, err
	}
	src, err := io.ReadAll(sr.Source)
	if c, ok := sr.Source.(io.Closer); ok {
		_ = c.Close()
	}
	if err != nil {
		return protocompile.SearchResult{}, fmt.Errorf("read %s: %w", u.res.diskPath(name), err)
	}
	// The first compile parsed every file without error.
	h := reporter.NewHandler(nil)
	file, err := parser.Parse(name, strings.NewReader(string(src)), h)
	if err != nil {
		return protocompile.SearchResult{}, err
	}
	pr, err := parser.ResultFromAST(file, true, h)
	if err != nil {
		return protocompile.SearchResult{}, err
	}
	u.unshadow(name, pr)
	return protocompile.SearchResult{ParseResult: pr}, nil
}

// unshadow renames, in each service of a parsed file, the methods whose
// name is a request or response type (written without a package) of a
// method of that service, and records each such reference.
func (u *unshadowing) unshadow(name string, pr parser.Result) {
	fd := pr.FileDescriptorProto()
	for _, svc := range fd.GetService() {
		methods := map[string]bool{}
		for _, m := range svc.GetMethod() {
			methods[m.GetName()] = true
		}
		shadowing := map[string]bool{}
		for _, m := range svc.GetMethod() {
			node := pr.MethodNode(m)
			for i, t := range []string{m.GetInputType(), m.GetOutputType()} {
				// A qualified name (Get.Inner) whose first component is a
				// method is looked up further out: only plain names stop.
				if strings.Contains(t, ".") || !methods[t] {
					continue
				}
				shadowing[t] = true
				at := node.GetInputType()
				if i == 1 {
					at = node.GetOutputType()
				}
				pos := pr.AST().NodeInfo(at).Start()
				u.mu.Lock()
				u.refs = append(u.refs, shadowedRef{file: name, service: svc.GetName(), method: m.GetName(), response: i == 1, text: t,
					pos: ir.Pos{File: u.res.diskPath(name), Line: pos.Line, Col: pos.Col}})
				u.mu.Unlock()
			}
		}
		for _, m := range svc.GetMethod() {
			if !shadowing[m.GetName()] {
				continue
			}
			old := m.GetName()
			for i := 1; ; i++ {
				cand := old + "_infgen_unshadowed_" + strconv.Itoa(i)
				if !methods[cand] {
					m.Name = &cand
					methods[cand] = true
					break
				}
			}
			u.mu.Lock()
			if u.renamed == nil {
				u.renamed = map[string]map[string]string{}
			}
			if u.renamed[name] == nil {
				u.renamed[name] = map[string]string{}
			}
			u.renamed[name][svc.GetName()+"/"+m.GetName()] = old
			u.mu.Unlock()
		}
	}
}

// restore gives the renamed methods their names back in the linked files
// and warns at each reference, naming the message it was resolved to.
func (u *unshadowing) restore(fds []*descriptorpb.FileDescriptorProto) {
	for _, fd := range fds {
		renamed := u.renamed[fd.GetName()]
		if renamed == nil {
			continue
		}
		for _, svc := range fd.GetService() {
			for _, m := range svc.GetMethod() {
				name := m.GetName()
				old, ok := renamed[svc.GetName()+"/"+name]
				if ok {
					name = old
				}
				for _, r := range u.refs {
					if r.file != fd.GetName() || r.service != svc.GetName() || r.method != name {
						continue
					}
					kind, resolved := "request", m.GetInputType()
					if r.response {
						kind, resolved = "response", m.GetOutputType()
					}
					resolved = strings.TrimPrefix(resolved, ".")
					u.warnings = append(u.warnings, ir.Warning{Pos: r.pos, Message: fmt.Sprintf(
						"method %s.%s: the %s type %s is also the name of a method of the service, so protoc rejects this file (%q is not a message type); "+
							"infgen resolves it to the message %s: write %s to keep the file valid for protoc",
						svc.GetName(), name, kind, r.text, r.text, resolved, resolved)})
				}
				if ok {
					m.Name = &old
				}
			}
		}
	}
}

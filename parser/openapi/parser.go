package openapi

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/infgen/infgen/ir"
)

// Error is a problem in the input document at a known position.
type Error struct {
	Pos ir.Pos
	Msg string
	Err error
}

// Error formats the error as "file:line:col: message".
func (e *Error) Error() string {
	msg := e.Pos.String() + ": " + e.Msg
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Parse reads the OpenAPI document at path (and the files its $refs point
// to) into an ir.Spec.
func Parse(ctx context.Context, path string, opts ...Option) (*ir.Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read OpenAPI document: %w", err)
	}
	return ParseData(ctx, path, data, opts...)
}

// ParseData parses an OpenAPI document held in memory; path names it in
// errors and anchors its relative $refs.
//
// The fast path lets kin-openapi load the document alone. Only when that
// fails are the files parsed again into YAML node trees, to report the
// problem (syntax error, unresolved $ref, wrong version) at its position.
func ParseData(ctx context.Context, path string, data []byte, opts ...Option) (*ir.Spec, error) {
	files := newFileSet(filepath.Dir(path))
	root, err := files.addRaw(path, data)
	if err != nil {
		return nil, err
	}
	var doc *openapi3.T
	var repaired []ir.Warning
	if files.isSwagger2(root, root.data) {
		// Swagger 2.0: converted to OpenAPI 3.0.
		converted, warnings, err := files.convertSwagger2(ctx, root)
		if err != nil {
			return nil, err
		}
		doc, repaired = converted, warnings
	} else {
		var loadErr error
		doc, loadErr = loadDocument(files.loader(ctx), root, root.data)
		// Values the decoder rejects but that are unambiguous or carry no
		// meaning for the generated code are rewritten in place and loaded
		// again (each round fixes every problem the decoder reported).
		for round := 0; loadErr != nil && round < 4; round++ {
			warnings, ok := files.repair(loadErr)
			if !ok {
				break
			}
			repaired = append(repaired, warnings...)
			doc, loadErr = loadDocument(files.loader(ctx), root, root.data)
		}
		if loadErr != nil || !strings.HasPrefix(doc.OpenAPI, "3.") {
			return nil, files.diagnose(root, loadErr)
		}
	}
	c := newConverter(doc, files, root)
	c.warnings = append(c.warnings, repaired...)
	for _, o := range opts {
		o(&c.opts)
	}
	return c.convert()
}

// loader is a kin-openapi loader reading the files of s.
func (s *fileSet) loader(ctx context.Context) *openapi3.Loader {
	loader := openapi3.NewLoader()
	loader.Context = ctx
	loader.IsExternalRefsAllowed = true
	loader.IncludeOrigin = true
	loader.ReadFromURIFunc = s.readFromURI
	return loader
}

// diagnose finds the position of what made loading fail: invalid syntax, a
// missing "openapi" field or unsupported version, an unresolved $ref. It
// falls back to the loader's own error at the top of the file.
func (s *fileSet) diagnose(root *sourceFile, loadErr error) error {
	if err := s.parse(root); err != nil {
		return err
	}
	if err := checkVersion(root); err != nil {
		return err
	}
	if err := s.checkRefs(root); err != nil {
		return err
	}
	if loadErr == nil {
		return &Error{Pos: ir.Pos{File: root.name, Line: 1, Col: 1}, Msg: "the document cannot be read as OpenAPI 3"}
	}
	if err := s.locate(root, loadErr, nil); err != nil {
		return err
	}
	// The loader names the reference it could not follow; point at it.
	if m := loaderRef.FindStringSubmatch(loadErr.Error()); m != nil {
		if pos, ok := s.findRef(m[1]); ok {
			cause := loadErr
			var le *Error
			if errors.As(loadErr, &le) && le.Err != nil {
				cause = le.Err
			}
			return &Error{Pos: pos, Msg: fmt.Sprintf("cannot resolve $ref %q", m[1]), Err: cause}
		}
	}
	return loadErr
}

// loaderRef finds the reference in kin-openapi's resolution errors.
var loaderRef = regexp.MustCompile(`reference "([^"]+)"`)

// loadDocument runs kin-openapi's loader, turning its panics (it has a few
// on hostile input) into errors.
func loadDocument(loader *openapi3.Loader, f *sourceFile, data []byte) (doc *openapi3.T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &Error{Pos: ir.Pos{File: f.name, Line: 1, Col: 1}, Msg: fmt.Sprintf("cannot load the document: %v", r)}
		}
	}()
	doc, err = loader.LoadFromDataWithPath(data, f.url())
	if err != nil {
		return nil, &Error{Pos: ir.Pos{File: f.name, Line: 1, Col: 1}, Msg: "cannot load the document", Err: cleanLoadError(err)}
	}
	return doc, nil
}

// cleanLoadError strips the loader's noisy wrapping.
func cleanLoadError(err error) error {
	msg := err.Error()
	if strings.Count(msg, ": ") > 6 {
		return errors.New(msg[strings.LastIndex(msg, ": ")+2:])
	}
	return err
}

// checkVersion rejects documents without "openapi" or of another major
// version (Swagger 2.0 documents never get here: they are converted).
func checkVersion(f *sourceFile) error {
	top := f.root
	v := mapValue(top, "openapi")
	if v == nil {
		return &Error{Pos: nodePos(f.name, top), Msg: `not an OpenAPI document: the "openapi" version field is missing`}
	}
	if !strings.HasPrefix(v.Value, "3.") {
		return &Error{Pos: nodePos(f.name, v), Msg: fmt.Sprintf("unsupported OpenAPI version %q: want 3.0 or 3.1", v.Value)}
	}
	return nil
}

// Option adjusts parsing.
type Option func(*options)

type options struct {
	service       string
	duplicatedIDs bool
	// selectIDs and selectTags select operations (SelectOperations).
	selectIDs, selectTags []string
}

// AllowDuplicateOperationIDs accepts a document whose operationIds repeat
// (OpenAPI requires them unique): each repeat becomes a warning and its
// operation a numbered method name (GetThing2). Without it a repeat is an
// error at its position.
func AllowDuplicateOperationIDs() Option {
	return func(o *options) { o.duplicatedIDs = true }
}

// WithServiceName names the service (and so the interface, the stub and
// ServiceName) instead of deriving the name from info.title. It may be any
// string: "payments" gives the interface Payments.
func WithServiceName(name string) Option {
	return func(o *options) { o.service = name }
}

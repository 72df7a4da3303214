package webhook

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// Schemas validates payloads against the schemas of an OpenAPI document
// that generated packages embed: the payload schemas of their webhooks and
// callbacks under components.schemas, with everything they refer to. It is
// loaded once, on first use.
type Schemas struct {
	doc  string
	once sync.Once
	t    *openapi3.T
	opts []openapi3.SchemaValidationOption
	err  error
}

// ErrSchemas reports embedded schemas that cannot be used: the receiver
// answers 500, since no redelivery can succeed before the code changes.
var ErrSchemas = errors.New("webhook: the embedded payload schemas do not load")

// NewSchemas returns the validator of the OpenAPI document doc (JSON).
func NewSchemas(doc string) *Schemas { return &Schemas{doc: doc} }

func (s *Schemas) load() error {
	s.once.Do(func() {
		l := openapi3.NewLoader()
		// Loaded, not validated as a document: the generator accepted the
		// spec, and a detail kin-openapi's validation rejects elsewhere in
		// a schema must not refuse every delivery.
		t, err := l.LoadFromData([]byte(s.doc))
		if err != nil {
			s.err = fmt.Errorf("%w: %w", ErrSchemas, err)
			return
		}
		s.t = t
		s.opts = []openapi3.SchemaValidationOption{openapi3.MultiErrors()}
		if t.IsOpenAPI31OrLater() {
			s.opts = append(s.opts, openapi3.EnableJSONSchema2020())
		}
	})
	return s.err
}

// Validator returns the validation of payloads against the component
// schema name.
func (s *Schemas) Validator(name string) func(body []byte) error {
	return func(body []byte) error {
		if err := s.load(); err != nil {
			return err
		}
		ref := s.t.Components.Schemas[name]
		if ref == nil || ref.Value == nil {
			return fmt.Errorf("%w: no schema %q", ErrSchemas, name)
		}
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			return err
		}
		err := ref.Value.VisitJSON(v, s.opts...)
		var me openapi3.MultiError
		if errors.As(err, &me) && len(me) > 0 {
			return reason(me[0])
		}
		return reason(err)
	}
}

// reason shortens a schema error to what failed and where
// ("at '/status': value must be one of 'ok', 'failed'").
func reason(err error) error {
	var se *openapi3.SchemaError
	if !errors.As(err, &se) {
		return err
	}
	r := se.Reason
	if m := errorAt.FindStringIndex(r); m != nil {
		r = r[m[1]:]
	}
	r = strings.TrimPrefix(r, "at '': ")
	if p := se.JSONPointer(); len(p) > 0 && !strings.HasPrefix(r, "at '") {
		r = "at '/" + strings.Join(p, "/") + "': " + r
	}
	return errors.New(r)
}

// errorAt is the location prefix kin-openapi puts before the reason of a
// JSON Schema 2020-12 error.
var errorAt = regexp.MustCompile(`^error at "[^"]*": `)

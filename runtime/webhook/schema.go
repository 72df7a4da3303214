package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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

// NewSchemas returns the validator of the OpenAPI document doc (JSON).
func NewSchemas(doc string) *Schemas { return &Schemas{doc: doc} }

func (s *Schemas) load() error {
	s.once.Do(func() {
		l := openapi3.NewLoader()
		t, err := l.LoadFromData([]byte(s.doc))
		if err == nil {
			err = t.Validate(context.Background(), openapi3.DisableExamplesValidation(), openapi3.DisableSchemaFormatValidation())
		}
		if err != nil {
			s.err = fmt.Errorf("webhook: the embedded schemas do not load: %w", err)
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
			return fmt.Errorf("webhook: no schema %q in the embedded document", name)
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

// reason shortens a schema error to what failed and where.
func reason(err error) error {
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		if p := se.JSONPointer(); len(p) > 0 {
			return fmt.Errorf("at /%s: %s", joinPointer(p), se.Reason)
		}
		return errors.New(se.Reason)
	}
	return err
}

func joinPointer(p []string) string {
	out := ""
	for i, s := range p {
		if i > 0 {
			out += "/"
		}
		out += s
	}
	return out
}

package generator

import (
	"errors"

	"github.com/infgen/infgen/ir"
)

func generateOpenAPI(spec *ir.Spec, opts Options) ([]File, error) {
	return nil, errors.New("not implemented yet")
}

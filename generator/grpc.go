package generator

import (
	"errors"

	"github.com/infgen/infgen/ir"
)

// generateGRPC generates a package for a proto spec.
//
// Placeholder owned by the proto generator (issue 4), which replaces this
// file.
func generateGRPC(spec *ir.Spec, opts Options) ([]File, error) {
	return nil, errors.New("generate: proto specs are not supported yet")
}

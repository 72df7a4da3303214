package memory_test

import (
	"testing"

	"github.com/infgen/infgen/runtime/transport"
	"github.com/infgen/infgen/runtime/transport/memory"
	"github.com/infgen/infgen/runtime/transport/transporttest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	transporttest.Run(t, func(t *testing.T) transport.Transport { return memory.New() })
}

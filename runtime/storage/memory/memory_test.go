package memory_test

import (
	"testing"

	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/storage/memory"
	"github.com/infgen/infgen/runtime/storage/storagetest"
	"github.com/infgen/infgen/runtime/storage/storagetest/enginetest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	storagetest.Run(t, func(t *testing.T) storage.Storage { return memory.New() })
}

// TestWorkerRegistry: workers record what they serve; unknown workflow
// names are refused with a suggestion.
func TestWorkerRegistry(t *testing.T) {
	t.Parallel()
	enginetest.WorkerRegistry(t, memory.New(), nil)
}

// TestSchedules: durable schedules fire once per time, by policy, under
// one worker and two.
func TestSchedules(t *testing.T) {
	t.Parallel()
	enginetest.Schedules(t, memory.New(), nil)
}

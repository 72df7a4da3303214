package workflowdef

import (
	"log/slog"
	"reflect"

	"github.com/infgen/infgen/runtime/internal/replay"
)

// Definition is what package workflow's Definition shows here.
type Definition interface {
	Name() string
	Version() int
}

var entry func(def Definition, logger *slog.Logger) replay.Func

// SetEntry is called by package workflow, when it is initialized, with the
// function that returns a definition's replay function.
func SetEntry(f func(def Definition, logger *slog.Logger) replay.Func) { entry = f }

// Entry returns the function the engine replays for def, logging with
// logger; nil when def is not a definition made by package workflow.
func Entry(def Definition, logger *slog.Logger) replay.Func {
	if entry == nil || def == nil {
		return nil
	}
	return entry(def, logger)
}

var inputType func(def Definition) reflect.Type

// SetInputType is called by package workflow, when it is initialized, with
// the function that returns a definition's input type.
func SetInputType(f func(def Definition) reflect.Type) { inputType = f }

// InputType returns the Go type of def's input; nil when def is not a
// definition made by package workflow.
func InputType(def Definition) reflect.Type {
	if inputType == nil || def == nil {
		return nil
	}
	return inputType(def)
}

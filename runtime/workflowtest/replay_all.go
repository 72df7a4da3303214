package workflowtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/internal/replay"
	"github.com/infgen/infgen/runtime/workflow"
)

// ReplayResult is the outcome of replaying one recorded workflow.
type ReplayResult struct {
	// ID and Workflow identify the instance; Version is the workflow
	// version its state records.
	ID       string `json:"id"`
	Workflow string `json:"workflow"`
	Version  int    `json:"version,omitempty"`
	// Skipped is set when no definition was given for its workflow: it
	// was not replayed.
	Skipped bool `json:"skipped,omitempty"`
	// Error says why the code does not replay the history; empty when it
	// does.
	Error string `json:"error,omitempty"`
	// Step, Expected and Found detail a non-deterministic replay: the step
	// at which the code issued Found where the history has Expected.
	Step     int    `json:"step,omitempty"`
	Expected string `json:"expected,omitempty"`
	Found    string `json:"found,omitempty"`
}

// Failed reports whether the code does not replay the history.
func (r ReplayResult) Failed() bool { return r.Error != "" }

// States lists and reads recorded workflows: a *client.Client, or the
// admin API's remote client, is one.
type States interface {
	ListRunning(ctx context.Context) ([]string, error)
	ListParked(ctx context.Context) ([]string, error)
	State(ctx context.Context, id string) (json.RawMessage, error)
}

// ReplayAll replays every unfinished (running or parked) workflow of src
// with the definition of its workflow among defs, as Replay does: run it
// before deploying new workflow code to see which instances in flight it
// would park. Results are in workflow id order.
func ReplayAll(ctx context.Context, src States, defs ...workflow.Definition) ([]ReplayResult, error) {
	running, err := src.ListRunning(ctx)
	if err != nil {
		return nil, err
	}
	parked, err := src.ListParked(ctx)
	if err != nil {
		return nil, err
	}
	ids := slices.Compact(slices.Sorted(slices.Values(append(running, parked...))))
	states := make([][]byte, 0, len(ids))
	for _, id := range ids {
		st, err := src.State(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("workflowtest: read the state of %s: %w", id, err)
		}
		states = append(states, st)
	}
	return ReplayStates(states, defs...)
}

// ReplayStates replays recorded states (as client.State returns them),
// each with the definition of its workflow among defs (the one of its
// version when several share the name). A state of a workflow that defs
// do not define is skipped, not failed.
func ReplayStates(states [][]byte, defs ...workflow.Definition) ([]ReplayResult, error) {
	out := make([]ReplayResult, 0, len(states))
	for _, data := range states {
		st, err := history.Unmarshal(data)
		if err != nil {
			return nil, fmt.Errorf("workflowtest: decode state: %w", err)
		}
		r := ReplayResult{ID: st.ID, Workflow: st.Name, Version: st.Version}
		def := pick(defs, st.Name, st.Version)
		if def == nil {
			r.Skipped = true
			out = append(out, r)
			continue
		}
		if err := Replay(def, data); err != nil {
			r.Error = err.Error()
			var nd *replay.NondeterminismError
			if errors.As(err, &nd) {
				r.Step, r.Expected, r.Found = nd.Seq, nd.Expected, nd.Found
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// pick returns the definition of a workflow: the one of its version, else
// the only one of its name.
func pick(defs []workflow.Definition, name string, version int) workflow.Definition {
	var named []workflow.Definition
	for _, d := range defs {
		if d.Name() == name {
			named = append(named, d)
		}
	}
	for _, d := range named {
		if d.Version() == version {
			return d
		}
	}
	if len(named) == 1 {
		return named[0]
	}
	return nil
}

package workflowtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/internal/replay"
	"github.com/infgen/infgen/runtime/internal/workflowdef"
	"github.com/infgen/infgen/runtime/workflow"
)

// Replay replays a recorded state (as returned by client.State) with def's
// code. It returns an error if the code issues other commands than the
// recorded ones, panics, or — for a finished instance — ends differently.
func Replay(def workflow.Definition, state []byte) error {
	st, err := history.Unmarshal(state)
	if err != nil {
		return fmt.Errorf("workflowtest: decode state: %w", err)
	}
	if !st.Complete() {
		return fmt.Errorf("workflowtest: the state of %s is a stored record without its sealed history: pass the state client.State returns", st.ID)
	}
	if st.Name != def.Name() {
		return fmt.Errorf("workflowtest: the state is of workflow %q, not %q", st.Name, def.Name())
	}
	if len(st.Batches) == 0 {
		return fmt.Errorf("workflowtest: the state of %s has no history", st.ID)
	}
	fn := workflowdef.Entry(def, slog.New(slog.DiscardHandler))
	if fn == nil {
		return fmt.Errorf("workflowtest: workflow %q has no function: declare it with workflow.Define(name, fn)", def.Name())
	}
	res := replay.Replay(fn, st) // every batch is recorded: no update is validated again
	switch {
	case res.Nondeterminism != nil:
		return res.Nondeterminism
	case res.Panic != nil:
		return res.Panic
	case len(res.Commands) > 0:
		return fmt.Errorf("workflow %q (id %q): the code issues %d command(s) more than recorded, starting with %s %q at step %d",
			st.Name, st.ID, len(res.Commands), res.Commands[0].Kind, res.Commands[0].Name, res.Commands[0].Seq)
	}
	switch st.Status {
	case history.Completed:
		if !res.Done || res.Err != nil {
			return fmt.Errorf("workflow %q (id %q) completed in history but not on replay", st.Name, st.ID)
		}
		if !sameOutput(res.Output, st.Output) {
			return fmt.Errorf("workflow %q (id %q): output differs: recorded %s, replayed %s", st.Name, st.ID, st.Output, res.Output)
		}
	case history.Failed:
		if st.Error != nil && st.Error.Kind != history.ErrorKindTimeout && (!res.Done || res.Err == nil) {
			return fmt.Errorf("workflow %q (id %q) failed in history but not on replay", st.Name, st.ID)
		}
	case history.Running:
		if res.Done {
			return fmt.Errorf("workflow %q (id %q) is running in history but ends on replay", st.Name, st.ID)
		}
	}
	return nil
}

// sameOutput compares outputs by meaning when they are JSON (a state file
// may have been indented), byte for byte otherwise.
func sameOutput(a, b []byte) bool {
	if json.Valid(a) && json.Valid(b) {
		var ca, cb bytes.Buffer
		if json.Compact(&ca, a) == nil && json.Compact(&cb, b) == nil {
			return bytes.Equal(ca.Bytes(), cb.Bytes())
		}
	}
	return bytes.Equal(a, b)
}

package history

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestErrorKindsKeepTheirStoredNames checks that the typed error kinds are
// stored as the strings histories were recorded with before the type
// existed, so that a recorded history decodes to the same kinds and
// encodes back byte for byte.
func TestErrorKindsKeepTheirStoredNames(t *testing.T) {
	t.Parallel()
	stored := map[ErrorKind]string{
		ErrorKindTask:          "task",
		ErrorKindService:       "service",
		ErrorKindChild:         "child",
		ErrorKindTimeout:       "timeout",
		ErrorKindCanceled:      "canceled",
		ErrorKindWorkflow:      "workflow",
		ErrorKindContinueAsNew: "continueAsNew",
	}
	for kind, name := range stored {
		b, err := json.Marshal(&Error{Kind: kind})
		if err != nil {
			t.Fatal(err)
		}
		if want := `{"kind":"` + name + `","message":""}`; string(b) != want {
			t.Errorf("%s is stored as %s, want %s", kind, b, want)
		}
	}

	// A task failure recorded by an earlier release.
	recorded := []byte(`{"kind":"taskFailed","seq":2,"error":{"kind":"task","message":"m","service":"pay","method":"Charge",` +
		`"attempts":3,"cause":{"kind":"service","message":"m"}}}`)
	var ev Event
	if err := json.Unmarshal(recorded, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Error.Kind != ErrorKindTask || ev.Error.Cause.Kind != ErrorKindService {
		t.Fatalf("decoded kinds %q, %q; want %q, %q", ev.Error.Kind, ev.Error.Cause.Kind, ErrorKindTask, ErrorKindService)
	}
	again, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, recorded) {
		t.Fatalf("re-encoded\n%s\nwant\n%s", again, recorded)
	}
}

package history

import "testing"

// FuzzUnmarshal checks that no stored bytes make state decoding panic.
func FuzzUnmarshal(f *testing.F) {
	f.Add([]byte(`{"id":"w","name":"flow","status":"running","batches":[{"events":[{"kind":"started"}]}],"tasks":{"0":{"attempt":1}}}`))
	f.Add([]byte(`{"input":{"$binary":"AAE="},"output":[1,2]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := Unmarshal(data)
		if err != nil {
			return
		}
		if _, err := st.Marshal(); err != nil {
			t.Fatalf("decoded %q but cannot encode it: %v", data, err)
		}
	})
}

package compress_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/storage/compress"
	"github.com/infgen/infgen/runtime/storage/embedded"
)

// Wrap a store so that record data is zstd-compressed at rest.
func ExampleWrap() {
	dir, _ := os.MkdirTemp("", "infgen-example")
	defer os.RemoveAll(dir)
	ctx := context.Background()

	raw, err := embedded.Open(filepath.Join(dir, "state.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	st, _ := compress.Wrap(raw, compress.Zstd)
	defer st.Close()

	history := bytes.Repeat([]byte(`{"event":"TaskCompleted","task":"charge"}`), 1000)
	_, _ = st.Put(ctx, &storage.PutParams{ID: "wf-1", Data: history})

	stored, _ := raw.Get(ctx, &storage.GetParams{ID: "wf-1"})
	rec, _ := st.Get(ctx, &storage.GetParams{ID: "wf-1"})
	fmt.Printf("header 0x%02x, under 2%% of the size at rest: %v\n", stored.Data[0], len(stored.Data)*50 < len(history))
	fmt.Println("read back intact:", bytes.Equal(rec.Data, history))
	// Output:
	// header 0x01, under 2% of the size at rest: true
	// read back intact: true
}

package embedded_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/storage/embedded"
)

// Open a store, create a record, update it with compare-and-set, and list a
// tag.
func ExampleOpen() {
	dir, _ := os.MkdirTemp("", "infgen-example")
	defer os.RemoveAll(dir)
	ctx := context.Background()

	st, err := embedded.Open(filepath.Join(dir, "state.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()

	v, _ := st.Put(ctx, &storage.PutParams{ID: "order-42", Data: []byte("created"), AddTags: []string{"customer:7"}})
	fmt.Println("created at version", v)

	// A writer that read version 1 updates it; a second one holding the same
	// version loses.
	v, _ = st.Put(ctx, &storage.PutParams{ID: "order-42", Version: 1, Data: []byte("paid")})
	fmt.Println("updated to version", v)
	_, err = st.Put(ctx, &storage.PutParams{ID: "order-42", Version: 1, Data: []byte("canceled")})
	fmt.Println("stale write conflicts:", errors.Is(err, storage.ErrConflict))

	rec, _ := st.Get(ctx, &storage.GetParams{ID: "order-42"})
	ids, _ := st.ListTag(ctx, &storage.ListTagParams{Tag: "customer:7"})
	fmt.Printf("%s at version %d, tagged %v\n", rec.Data, rec.Version, ids)
	// Output:
	// created at version 1
	// updated to version 2
	// stale write conflicts: true
	// paid at version 2, tagged [order-42]
}

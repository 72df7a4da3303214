package embedded

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/storage"
)

// TestCheckReadsAndMapsAlike: the check gives the same verdict whether it
// reads the file (platforms without mmap) or maps it.
func TestCheckReadsAndMapsAlike(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := Open(path)
	require.NoError(t, err)
	for i := range 40 {
		_, err := s.Put(context.Background(), &storage.PutParams{ID: fmt.Sprint("wf-", i), Data: bytes.Repeat([]byte{'x'}, 100*i), AddTags: []string{"t"}})
		require.NoError(t, err)
	}
	require.NoError(t, s.Close())
	good, err := os.ReadFile(path)
	require.NoError(t, err)
	inputs := [][]byte{good, good[:len(good)/2], good[:5000], []byte("x")}
	for off := 0; off < len(good); off += 997 {
		d := bytes.Clone(good)
		d[off] ^= 0x5a
		inputs = append(inputs, d)
	}
	verdict := func(err error) string {
		if err == nil {
			return "ok"
		}
		return err.Error()
	}
	for i, d := range inputs {
		read := checkFile(readerSource{bytes.NewReader(d)}, path, int64(len(d)))
		mapped := checkFile(bytesSource(d), path, int64(len(d)))
		require.Equal(t, verdict(mapped), verdict(read), "input %d", i)
	}
}

package embedded_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/storage/embedded"
)

// goodFile writes a state file with n records (every tenth of them with a
// value larger than a page, so that the file has overflow pages), tags, and
// a few deleted records (free pages), and returns its bytes.
func goodFile(t testing.TB, dir string, n int) []byte {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(dir, fmt.Sprintf("good-%d.db", n))
	s, err := embedded.Open(path)
	require.NoError(t, err)
	for i := range n {
		data := []byte(strings.Repeat(fmt.Sprintf("history of wf-%03d;", i), 4))
		if i%10 == 9 {
			data = []byte(strings.Repeat("x", 6000))
		}
		_, err := s.Put(ctx, &storage.PutParams{ID: fmt.Sprintf("wf-%03d", i), Data: data, AddTags: []string{"tag-" + fmt.Sprint(i%3)}})
		require.NoError(t, err)
	}
	for i := 0; i < n; i += 7 {
		require.NoError(t, s.Delete(ctx, &storage.DeleteParams{ID: fmt.Sprintf("wf-%03d", i), Version: 1}))
	}
	require.NoError(t, s.Close())
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return data
}

// pageSize is the page size of a state file (the OS page size when it was
// created).
func pageSize(data []byte) int { return int(binary.NativeEndian.Uint32(data[16+8:])) }

// openBytes writes data to a file and opens it.
func openBytes(t *testing.T, data []byte) (string, *embedded.Store, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.db")
	require.NoError(t, os.WriteFile(path, data, 0o600))
	s, err := embedded.Open(path)
	if err == nil {
		t.Cleanup(func() { _ = s.Close() })
	}
	return path, s, err
}

// requireDamaged checks that err is a *DamagedError naming path and that
// the file was left as it was.
func requireDamaged(t *testing.T, err error, path string, data []byte, contains string) {
	t.Helper()
	require.ErrorIs(t, err, embedded.ErrDamaged)
	var d *embedded.DamagedError
	require.ErrorAs(t, err, &d)
	require.Equal(t, path, d.Path)
	require.Contains(t, err.Error(), path)
	require.Contains(t, err.Error(), contains)
	require.Contains(t, err.Error(), "restore it from a backup", "the error says how to recover")
	after, rerr := os.ReadFile(path)
	require.NoError(t, rerr)
	require.True(t, bytes.Equal(data, after), "a refused file must be left as it was")
}

func TestOpenRefusesDamagedFiles(t *testing.T) {
	t.Parallel()
	good := goodFile(t, t.TempDir(), 60)
	ps := pageSize(good)
	require.Greater(t, len(good), 8*ps)

	otherApp := func() []byte {
		path := filepath.Join(t.TempDir(), "other.db")
		db, err := bolt.Open(path, 0o600, nil)
		require.NoError(t, err)
		require.NoError(t, db.Update(func(tx *bolt.Tx) error {
			b, err := tx.CreateBucket([]byte("users"))
			if err != nil {
				return err
			}
			return b.Put([]byte("alice"), []byte("admin"))
		}))
		require.NoError(t, db.Close())
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		return data
	}()

	cases := []struct {
		name     string
		data     []byte
		contains string
	}{
		{"empty", nil, "is not an infgen state file: it is empty (0 bytes)"},
		{"truncated at 20000 bytes", good[:20000], "was truncated"},
		{"truncated at a page boundary", good[:4*ps], "was truncated"},
		{"truncated before the second header", good[:ps+100], "was truncated"},
		{"one page left", good[:ps], "was truncated"},
		{"text", []byte("hello\n"), "not a bbolt database"},
		{"random bytes", randomBytes(64 << 10), "not a bbolt database"},
		{"another program's bbolt file", otherApp, `other contents (top-level buckets ["users"]`},
		{"both headers corrupt", flipAt(good, 16+60, ps+16+60), "both header pages are corrupt"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path, _, err := openBytes(t, tc.data)
			requireDamaged(t, err, path, tc.data, tc.contains)
		})
	}
}

// TestOpenRefusesCorruptPages damages the pages of the trees (not the
// values) one at a time: every damaged page is reported, without a panic.
func TestOpenRefusesCorruptPages(t *testing.T) {
	t.Parallel()
	good := goodFile(t, t.TempDir(), 60)
	ps := pageSize(good)
	hwm := int(binary.NativeEndian.Uint64(good[16+40:]))
	refused := 0
	for id := 2; id < hwm; id++ {
		flags := binary.NativeEndian.Uint16(good[id*ps+8:])
		if flags != 0x01 && flags != 0x02 {
			continue // a free page or an overflow page (only data)
		}
		for _, damage := range []struct {
			name string
			off  int
		}{
			{"page id", 0}, {"page type", 8}, {"element count", 11}, {"first element", 16 + 5},
		} {
			data := flipAt(good, id*ps+damage.off)
			path, s, err := openBytes(t, data)
			if err == nil {
				// Not every flip is damage bbolt would notice (a free page, a
				// count that shrank); the store must work regardless.
				exercise(t, s)
				continue
			}
			refused++
			requireDamaged(t, err, path, data, "")
		}
	}
	require.Greater(t, refused, 10)
}

// TestOpenKeepsWorking: the checks accept files bbolt wrote in every
// shape infgen makes: new, inline buckets, branches, overflow pages, free
// pages; and a bbolt file without buckets (a first Open that stopped
// early).
func TestOpenAcceptsGoodFiles(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 5, 60, 400} {
		_, s, err := openBytes(t, goodFile(t, t.TempDir(), n))
		require.NoError(t, err, "%d records", n)
		exercise(t, s)
	}
	path := filepath.Join(t.TempDir(), "bare.db")
	db, err := bolt.Open(path, 0o600, nil)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	s, err := embedded.Open(path)
	require.NoError(t, err)
	require.NoError(t, s.Close())
}

// TestOpenCreatesOnlyMissingFiles: a missing file is created; an empty one
// is not replaced (it used to be, silently).
func TestOpenCreatesOnlyMissingFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "new.db")
	s, err := embedded.Open(path)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	st, err := os.Stat(path)
	require.NoError(t, err)
	require.Positive(t, st.Size())

	empty := filepath.Join(dir, "empty.db")
	require.NoError(t, os.WriteFile(empty, nil, 0o600))
	_, err = embedded.Open(empty)
	requireDamaged(t, err, empty, []byte{}, "empty (0 bytes)")

	_, err = embedded.Open(dir)
	require.ErrorIs(t, err, embedded.ErrDamaged)
	require.ErrorContains(t, err, "not a regular file")
}

// TestCorruptPageAfterOpen damages the file under an open store: the next
// operations fail with an error naming the file instead of crashing the
// process, and the store refuses to write into it any more.
func TestCorruptPageAfterOpen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	good := goodFile(t, t.TempDir(), 60)
	ps := int64(pageSize(good))
	require.NoError(t, os.WriteFile(path, good, 0o600))
	s, err := embedded.Open(path)
	require.NoError(t, err)
	defer s.Close()
	_, err = s.Get(ctx, &storage.GetParams{ID: "wf-001"})
	require.NoError(t, err)

	// Another program overwrites the headers of the tree pages (bbolt maps
	// the file shared, so the store sees the change).
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	require.NoError(t, err)
	st, err := f.Stat()
	require.NoError(t, err)
	for off := 2 * ps; off < st.Size(); off += ps {
		_, err := f.WriteAt([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, off)
		require.NoError(t, err)
	}
	require.NoError(t, f.Close())

	_, err = s.Get(ctx, &storage.GetParams{ID: "wf-001"})
	require.ErrorIs(t, err, embedded.ErrDamaged)
	require.ErrorContains(t, err, path)
	_, err = s.Put(ctx, &storage.PutParams{ID: "wf-new", Data: []byte("x")})
	require.ErrorIs(t, err, embedded.ErrDamaged, "no writes into a damaged file")
	_, err = s.ListTag(ctx, &storage.ListTagParams{Tag: "tag-1"})
	require.ErrorIs(t, err, embedded.ErrDamaged)
	require.NoError(t, s.Close())
}

// TestTruncatedUnderAnOpenStore: reading pages the file no longer has is a
// memory fault (SIGBUS) that would kill the process; it is an error.
func TestTruncatedUnderAnOpenStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	good := goodFile(t, t.TempDir(), 60)
	require.NoError(t, os.WriteFile(path, good, 0o600))
	s, err := embedded.Open(path)
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, os.Truncate(path, int64(2*pageSize(good))))
	_, err = s.Get(ctx, &storage.GetParams{ID: "wf-059"})
	require.ErrorIs(t, err, embedded.ErrDamaged)
	require.ErrorContains(t, err, path)
}

// FuzzOpen opens arbitrary bytes as a state file: Open either refuses them
// with a *DamagedError naming the file (leaving it as it was), or returns a
// store whose operations return errors rather than panic. The seeds
// (truncations and byte flips of good files) run in plain go test.
func FuzzOpen(f *testing.F) {
	dir := f.TempDir()
	small, large := goodFile(f, dir, 1), goodFile(f, dir, 60)
	f.Add([]byte{})
	f.Add([]byte("not a database"))
	f.Add(small)
	f.Add(large)
	ps := pageSize(large)
	for _, n := range []int{1, 100, ps - 1, ps, ps + 100, 2*ps - 1, 2 * ps, 3 * ps, 4 * ps, 20000, len(large) - ps, len(large) - 1} {
		if n < len(large) {
			f.Add(large[:n])
		}
	}
	rng := rand.New(rand.NewPCG(18, 18))
	for _, good := range [][]byte{small, large} {
		for range 24 {
			data := append([]byte(nil), good...)
			for range 1 + rng.IntN(8) {
				data[rng.IntN(len(data))] ^= byte(1 + rng.IntN(255))
			}
			f.Add(data)
		}
		// Flips in page headers, where damage matters most.
		for range 24 {
			data := append([]byte(nil), good...)
			page := rng.IntN(len(data) / ps)
			data[page*ps+rng.IntN(32)] ^= byte(1 + rng.IntN(255))
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		path, s, err := openBytes(t, data)
		if err != nil {
			requireDamaged(t, err, path, data, "")
			return
		}
		exercise(t, s)
	})
}

// exercise reads, writes and deletes: errors are allowed, panics are not.
func exercise(t *testing.T, s *embedded.Store) {
	t.Helper()
	ctx := context.Background()
	for i := range 60 {
		_, _ = s.Get(ctx, &storage.GetParams{ID: fmt.Sprintf("wf-%03d", i)})
	}
	for _, tag := range []string{"tag-0", "tag-1", "tag-2"} {
		_, _ = s.ListTag(ctx, &storage.ListTagParams{Tag: tag})
	}
	for i := range 20 {
		_, _ = s.Put(ctx, &storage.PutParams{ID: fmt.Sprintf("new-%d", i), Data: []byte(strings.Repeat("y", i*500)), AddTags: []string{"tag-1"}})
	}
	_ = s.Delete(ctx, &storage.DeleteParams{ID: "wf-001", Version: 1})
	require.NoError(t, s.Close())
}

// flipAt returns a copy of data with the bytes at the offsets inverted.
func flipAt(data []byte, offs ...int) []byte {
	out := append([]byte(nil), data...)
	for _, o := range offs {
		out[o] ^= 0xff
	}
	return out
}

func randomBytes(n int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

package compress_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/storage/compress"
	"github.com/infgen/infgen/runtime/storage/embedded"
	"github.com/infgen/infgen/runtime/storage/memory"
	"github.com/infgen/infgen/runtime/storage/storagetest"
)

func openEmbedded(t *testing.T) *embedded.Store {
	t.Helper()
	s, err := embedded.Open(filepath.Join(t.TempDir(), "state.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	t.Parallel()
	for _, codec := range []string{compress.None, compress.Zstd, compress.Gzip} {
		t.Run(codec, func(t *testing.T) {
			t.Parallel()
			storagetest.Run(t, func(t *testing.T) storage.Storage {
				c, err := compress.Wrap(openEmbedded(t), codec, compress.WithMinSize(16))
				require.NoError(t, err)
				return c
			})
		})
	}
}

func TestCompressesAtRest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	data := bytes.Repeat([]byte(`{"step":"charge","status":"completed"},`), 10_000)
	for _, tc := range []struct {
		codec  string
		header byte
	}{{compress.Zstd, 0x01}, {compress.Gzip, 0x02}, {compress.None, 0x00}} {
		t.Run(tc.codec, func(t *testing.T) {
			t.Parallel()
			raw := openEmbedded(t)
			c, err := compress.Wrap(raw, tc.codec)
			require.NoError(t, err)
			_, err = c.Put(ctx, &storage.PutParams{ID: "wf", Data: data})
			require.NoError(t, err)

			stored, err := raw.Get(ctx, &storage.GetParams{ID: "wf"})
			require.NoError(t, err)
			require.Equal(t, tc.header, stored.Data[0])
			if tc.codec != compress.None {
				require.Less(t, len(stored.Data), len(data)/10, "repetitive data must shrink")
			}
			rec, err := c.Get(ctx, &storage.GetParams{ID: "wf"})
			require.NoError(t, err)
			require.Equal(t, data, rec.Data)
		})
	}
}

func TestSmallAndIncompressibleStoredRaw(t *testing.T) {
	t.Parallel()
	c, err := compress.Wrap(openEmbedded(t), compress.Zstd)
	require.NoError(t, err)
	small := []byte("tiny")
	enc, err := c.Encode(small)
	require.NoError(t, err)
	require.Equal(t, append([]byte{0}, small...), enc)

	noise := make([]byte, 4096)
	for i := range noise {
		noise[i] = byte(i*7919 + i*i*31)
	}
	enc, err = c.Encode(noise)
	require.NoError(t, err)
	dec, err := c.Decode(enc)
	require.NoError(t, err)
	require.Equal(t, noise, dec)
}

func TestCodecSwitchReadsOldData(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	raw := openEmbedded(t)
	data := bytes.Repeat([]byte("history;"), 1000)
	gz, err := compress.Wrap(raw, compress.Gzip)
	require.NoError(t, err)
	_, err = gz.Put(ctx, &storage.PutParams{ID: "wf", Data: data})
	require.NoError(t, err)

	zs, err := compress.Wrap(raw, compress.Zstd)
	require.NoError(t, err)
	rec, err := zs.Get(ctx, &storage.GetParams{ID: "wf"})
	require.NoError(t, err)
	require.Equal(t, data, rec.Data)
}

func TestRejectsUnknownHeaderAndCodec(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	raw := openEmbedded(t)
	_, err := raw.Put(ctx, &storage.PutParams{ID: "plain", Data: []byte("written without the wrapper")})
	require.NoError(t, err)
	c, err := compress.Wrap(raw, compress.Zstd)
	require.NoError(t, err)
	_, err = c.Get(ctx, &storage.GetParams{ID: "plain"})
	require.ErrorContains(t, err, "unknown compression header 0x77")

	_, err = compress.Wrap(raw, "lz4")
	require.ErrorContains(t, err, `unknown codec "lz4"`)
}

func FuzzDecode(f *testing.F) {
	c, err := compress.Wrap(nil, compress.Zstd)
	require.NoError(f, err)
	f.Add([]byte{0x01, 0x28, 0xb5, 0x2f, 0xfd})
	f.Add([]byte{0x02, 0x1f, 0x8b})
	f.Add([]byte{0x00, 'x'})
	f.Fuzz(func(t *testing.T, stored []byte) {
		_, _ = c.Decode(stored) // must not panic
	})
}

// closeCounter counts Close calls on the store it wraps.
type closeCounter struct {
	storage.Storage
	closed int
}

func (c *closeCounter) Close() error { c.closed++; return c.Storage.Close() }

func TestApply(t *testing.T) {
	t.Parallel()
	base := &closeCounter{Storage: memory.New()}
	same, err := compress.Apply(base, "")
	require.NoError(t, err)
	require.Same(t, storage.Storage(base), same, "no codec: stored as is")

	wrapped, err := compress.Apply(base, compress.Zstd)
	require.NoError(t, err)
	require.IsType(t, &compress.Store{}, wrapped)

	_, err = compress.Apply(base, "lz4")
	require.ErrorContains(t, err, `unknown codec "lz4"`)
	require.Equal(t, 1, base.closed, "the store is closed when its codec is unknown")
}

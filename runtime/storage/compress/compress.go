package compress

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/zstd"

	"github.com/infgen/infgen/runtime/storage"
)

// Codec names accepted by Wrap and the configuration.
const (
	None = "none"
	Zstd = "zstd"
	Gzip = "gzip"
)

// Header bytes of the stored data.
const (
	headerRaw  byte = 0x00
	headerZstd byte = 0x01
	headerGzip byte = 0x02
)

// DefaultMinSize is the size below which data is stored uncompressed.
const DefaultMinSize = 256

// maxDecoded bounds the size a record may decompress to (1 GiB).
const maxDecoded = 1 << 30

// Store is a storage.Storage that compresses record data.
type Store struct {
	storage.Storage
	codec   string
	minSize int
	zenc    *zstd.Encoder
	zdec    *zstd.Decoder
	gzips   sync.Pool
}

// Option configures Wrap.
type Option func(*Store)

// WithMinSize stores data shorter than n bytes uncompressed (default 256).
func WithMinSize(n int) Option { return func(s *Store) { s.minSize = n } }

// Wrap returns s with data compressed by codec (Zstd, Gzip, or None, which
// only adds the header). An empty codec means None.
func Wrap(s storage.Storage, codec string, opts ...Option) (*Store, error) {
	if codec == "" {
		codec = None
	}
	c := &Store{Storage: s, codec: codec, minSize: DefaultMinSize}
	for _, o := range opts {
		o(c)
	}
	var err error
	switch codec {
	case None, Gzip:
	case Zstd:
		c.zenc, err = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1))
		if err != nil {
			return nil, fmt.Errorf("compress: zstd encoder: %w", err)
		}
	default:
		return nil, fmt.Errorf("compress: unknown codec %q (want %s, %s or %s)", codec, None, Zstd, Gzip)
	}
	c.zdec, err = zstd.NewReader(nil, zstd.WithDecoderMaxMemory(maxDecoded), zstd.WithDecoderConcurrency(0))
	if err != nil {
		return nil, fmt.Errorf("compress: zstd decoder: %w", err)
	}
	return c, nil
}

// Apply is what a backend's configured Open does with its compression
// setting: s unchanged when codec is "" (data stored as is, without a
// header), else Wrap(s, codec). When the codec is unknown it closes s and
// says which codecs there are.
func Apply(s storage.Storage, codec string) (storage.Storage, error) {
	if codec == "" {
		return s, nil
	}
	w, err := Wrap(s, codec)
	if err != nil {
		_ = s.Close()
		return nil, err
	}
	return w, nil
}

// Codec returns the codec new writes use.
func (c *Store) Codec() string { return c.codec }

// Get implements storage.Storage, decompressing the data.
func (c *Store) Get(ctx context.Context, p *storage.GetParams) (*storage.Record, error) {
	rec, err := c.Storage.Get(ctx, p)
	if err != nil {
		return nil, err
	}
	rec.Data, err = c.Decode(rec.Data)
	if err != nil {
		return nil, fmt.Errorf("compress: record %q version %d: %w", rec.ID, rec.Version, err)
	}
	return rec, nil
}

// Put implements storage.Storage, compressing the data.
func (c *Store) Put(ctx context.Context, p *storage.PutParams) (int64, error) {
	data, err := c.Encode(p.Data)
	if err != nil {
		return 0, fmt.Errorf("compress: record %q: %w", p.ID, err)
	}
	q := *p
	q.Data = data
	return c.Storage.Put(ctx, &q)
}

// Close closes the wrapped store and releases the codecs.
func (c *Store) Close() error {
	err := c.Storage.Close()
	if c.zdec != nil {
		c.zdec.Close()
	}
	return err
}

// Encode returns data in the stored format.
func (c *Store) Encode(data []byte) ([]byte, error) {
	if len(data) == 0 {
		return []byte{}, nil
	}
	if len(data) >= c.minSize {
		var out []byte
		switch c.codec {
		case Zstd:
			out = c.zenc.EncodeAll(data, append(make([]byte, 0, len(data)/2+16), headerZstd))
		case Gzip:
			var err error
			if out, err = c.gzip(data); err != nil {
				return nil, err
			}
		}
		if out != nil && len(out) < len(data)+1 {
			return out, nil
		}
	}
	return append([]byte{headerRaw}, data...), nil
}

func (c *Store) gzip(data []byte) ([]byte, error) {
	buf := bytes.NewBuffer(make([]byte, 0, len(data)/2+32))
	buf.WriteByte(headerGzip)
	w, _ := c.gzips.Get().(*gzip.Writer)
	if w == nil {
		w = gzip.NewWriter(buf)
	} else {
		w.Reset(buf)
	}
	defer c.gzips.Put(w)
	if _, err := w.Write(data); err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	return buf.Bytes(), nil
}

// Decode returns the original data of a stored value.
func (c *Store) Decode(stored []byte) ([]byte, error) {
	if len(stored) == 0 {
		return []byte{}, nil
	}
	body := stored[1:]
	switch stored[0] {
	case headerRaw:
		return body, nil
	case headerZstd:
		out, err := c.zdec.DecodeAll(body, nil)
		if err != nil {
			return nil, fmt.Errorf("zstd: %w", err)
		}
		return out, nil
	case headerGzip:
		r, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		out, err := io.ReadAll(io.LimitReader(r, maxDecoded+1))
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		if len(out) > maxDecoded {
			return nil, fmt.Errorf("gzip: data larger than %d bytes", maxDecoded)
		}
		return out, nil
	default:
		return nil, fmt.Errorf("unknown compression header 0x%02x: was it written without compress.Wrap?", stored[0])
	}
}

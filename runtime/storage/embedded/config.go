package embedded

import (
	"fmt"
	"os"

	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/storage/compress"
)

// Environment variables read by ConfigFromEnv.
const (
	EnvPath        = "INFGEN_EMBEDDED_PATH"
	EnvCompression = "INFGEN_STORAGE_COMPRESSION"
)

// Config is the embedded section of a worker's configuration file
// (storage.embedded in YAML).
type Config struct {
	// Path is the storage file; its directory must exist.
	Path string `json:"path" yaml:"path"`
	// Compression is the codec of record data: "", "none", "zstd" or "gzip"
	// (see package compress). "" stores data as is, without a header.
	Compression string `json:"compression,omitempty" yaml:"compression,omitempty"`
}

// ConfigFromEnv reads INFGEN_EMBEDDED_PATH (required) and
// INFGEN_STORAGE_COMPRESSION.
func ConfigFromEnv() (Config, error) {
	c := Config{Path: os.Getenv(EnvPath), Compression: os.Getenv(EnvCompression)}
	if c.Path == "" {
		return c, fmt.Errorf("embedded storage: %s is not set (want the path of the storage file)", EnvPath)
	}
	return c, nil
}

// Open opens the store the configuration describes, wrapped for compression
// when Compression is set.
func (c Config) Open(opts ...Option) (storage.Storage, error) {
	s, err := Open(c.Path, opts...)
	if err != nil {
		return nil, err
	}
	if c.Compression == "" {
		return s, nil
	}
	w, err := compress.Wrap(s, c.Compression)
	if err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("embedded storage: %w", err)
	}
	return w, nil
}

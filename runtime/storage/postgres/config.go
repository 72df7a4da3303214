package postgres

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/storage/compress"
)

// Environment variables read by ConfigFromEnv.
const (
	EnvDSN         = "INFGEN_POSTGRES_DSN"
	EnvTablePrefix = "INFGEN_POSTGRES_TABLE_PREFIX"
	EnvMaxConns    = "INFGEN_POSTGRES_MAX_CONNS"
	EnvCompression = "INFGEN_STORAGE_COMPRESSION"
)

// Config is the postgres section of a worker's configuration file
// (storage.postgres in YAML).
type Config struct {
	// DSN is a postgres:// URL or key=value connection string.
	DSN string `json:"dsn" yaml:"dsn"`
	// TablePrefix prefixes the table names (default "infgen_").
	TablePrefix string `json:"table_prefix,omitempty" yaml:"table_prefix,omitempty"`
	// MaxConns caps the connection pool (0: pool_max_conns in the DSN, else 32).
	MaxConns int `json:"max_conns,omitempty" yaml:"max_conns,omitempty"`
	// Compression is the codec of record data: "", "none", "zstd" or "gzip"
	// (see package compress). "" stores data as is, without a header.
	Compression string `json:"compression,omitempty" yaml:"compression,omitempty"`
}

// ConfigFromEnv reads INFGEN_POSTGRES_DSN (required),
// INFGEN_POSTGRES_TABLE_PREFIX, INFGEN_POSTGRES_MAX_CONNS and
// INFGEN_STORAGE_COMPRESSION.
func ConfigFromEnv() (Config, error) {
	c := Config{
		DSN:         os.Getenv(EnvDSN),
		TablePrefix: os.Getenv(EnvTablePrefix),
		Compression: os.Getenv(EnvCompression),
	}
	if c.DSN == "" {
		return c, fmt.Errorf("postgres storage: %s is not set (want e.g. postgres://user:password@127.0.0.1:5432/infgen)", EnvDSN)
	}
	if v := os.Getenv(EnvMaxConns); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return c, fmt.Errorf("postgres storage: %s=%q: want a non-negative integer", EnvMaxConns, v)
		}
		c.MaxConns = n
	}
	return c, nil
}

// Open opens the store the configuration describes, wrapped for compression
// when Compression is set.
func (c Config) Open(ctx context.Context) (storage.Storage, error) {
	var opts []Option
	if c.TablePrefix != "" {
		opts = append(opts, WithTablePrefix(c.TablePrefix))
	}
	if c.MaxConns > 0 {
		opts = append(opts, WithMaxConns(c.MaxConns))
	}
	s, err := Open(ctx, c.DSN, opts...)
	if err != nil {
		return nil, err
	}
	w, err := compress.Apply(s, c.Compression)
	if err != nil {
		return nil, fmt.Errorf("postgres storage: %w", err)
	}
	return w, nil
}

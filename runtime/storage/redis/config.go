package redis

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
	EnvAddr        = "INFGEN_REDIS_ADDR"
	EnvPassword    = "INFGEN_REDIS_PASSWORD"
	EnvDB          = "INFGEN_REDIS_DB"
	EnvKeyPrefix   = "INFGEN_REDIS_KEY_PREFIX"
	EnvCompression = "INFGEN_STORAGE_COMPRESSION"
)

// Config is the redis section of a worker's configuration file
// (storage.redis in YAML).
type Config struct {
	// Addr is "host:port" or a redis:// URL.
	Addr string `json:"addr" yaml:"addr"`
	// Password is sent with AUTH when set.
	Password string `json:"password,omitempty" yaml:"password,omitempty"`
	// DB selects the logical database.
	DB int `json:"db,omitempty" yaml:"db,omitempty"`
	// KeyPrefix prefixes every key (default "infgen:").
	KeyPrefix string `json:"key_prefix,omitempty" yaml:"key_prefix,omitempty"`
	// Compression is the codec of record data: "", "none", "zstd" or "gzip"
	// (see package compress).
	Compression string `json:"compression,omitempty" yaml:"compression,omitempty"`
}

// ConfigFromEnv reads INFGEN_REDIS_ADDR (required), INFGEN_REDIS_PASSWORD,
// INFGEN_REDIS_DB, INFGEN_REDIS_KEY_PREFIX and INFGEN_STORAGE_COMPRESSION.
func ConfigFromEnv() (Config, error) {
	c := Config{
		Addr:        os.Getenv(EnvAddr),
		Password:    os.Getenv(EnvPassword),
		KeyPrefix:   os.Getenv(EnvKeyPrefix),
		Compression: os.Getenv(EnvCompression),
	}
	if c.Addr == "" {
		return c, fmt.Errorf("redis storage: %s is not set (want host:port, e.g. 127.0.0.1:6379)", EnvAddr)
	}
	if v := os.Getenv(EnvDB); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return c, fmt.Errorf("redis storage: %s=%q: want a non-negative integer", EnvDB, v)
		}
		c.DB = n
	}
	return c, nil
}

// Open opens the store the configuration describes, wrapped for compression
// when Compression is set.
func (c Config) Open(ctx context.Context) (storage.Storage, error) {
	opts := []Option{WithDB(c.DB)}
	if c.Password != "" {
		opts = append(opts, WithPassword(c.Password))
	}
	if c.KeyPrefix != "" {
		opts = append(opts, WithKeyPrefix(c.KeyPrefix))
	}
	s, err := Open(ctx, c.Addr, opts...)
	if err != nil {
		return nil, err
	}
	w, err := compress.Apply(s, c.Compression)
	if err != nil {
		return nil, fmt.Errorf("redis storage: %w", err)
	}
	return w, nil
}

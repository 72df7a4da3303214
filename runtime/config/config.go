package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/infgen/infgen/runtime/retry"
	"github.com/infgen/infgen/runtime/worker"
)

// EnvLogLevel overrides the file's log_level.
const EnvLogLevel = "INFGEN_LOG_LEVEL"

// Config is the content of a worker's configuration file.
type Config struct {
	// LogLevel is debug, info, warn or error (default info).
	LogLevel string `yaml:"log_level"`
	// WorkflowConcurrency bounds the workflow instances handled at once.
	WorkflowConcurrency int `yaml:"workflow_concurrency"`
	// Services configures the hosted services, by key.
	Services map[string]Service `yaml:"services"`
	// AdminAddr is where the worker's admin API listens (default a free
	// port on 127.0.0.1; "off" disables it); $INFGEN_ADMIN_ADDR overrides it.
	// Any address other than loopback needs $INFGEN_ADMIN_TOKEN.
	AdminAddr string `yaml:"admin_addr"`
}

// Service configures one hosted service.
type Service struct {
	// URL is the API's base URL (HTTP) or the server's host:port (gRPC).
	URL string `yaml:"url"`
	// Concurrency bounds the tasks of this service run at once by the worker.
	Concurrency int `yaml:"concurrency"`
	// Timeout bounds one attempt of a task.
	Timeout time.Duration `yaml:"timeout"`
	// Retry is an exponential back-off with jitter.
	Retry Retry `yaml:"retry"`
}

// Retry configures a retry.Policy.
type Retry struct {
	MaxAttempts int           `yaml:"max_attempts"`
	Initial     time.Duration `yaml:"initial"`
	Max         time.Duration `yaml:"max"`
}

// Load reads a configuration file; unknown keys are errors, reported with
// their line. INFGEN_LOG_LEVEL overrides log_level.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read configuration %s (set -config): %w", path, err)
	}
	return Parse(path, data)
}

// Parse decodes configuration data; name is used in error messages.
func Parse(name string, data []byte) (*Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("parse configuration %s: %w", name, err)
	}
	if v := os.Getenv(EnvLogLevel); v != "" {
		c.LogLevel = v
	}
	if _, err := c.level(); err != nil {
		return nil, fmt.Errorf("configuration %s: log_level: %w", name, err)
	}
	return &c, nil
}

func (c *Config) level() (slog.Level, error) {
	var l slog.Level
	if c.LogLevel == "" {
		return slog.LevelInfo, nil
	}
	if err := l.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return l, fmt.Errorf("%q is not debug, info, warn or error", c.LogLevel)
	}
	return l, nil
}

// Logger returns a JSON logger on stderr at the configured level.
func (c *Config) Logger() *slog.Logger {
	l, _ := c.level()
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
}

// Service returns the configuration of the service under key; the
// environment variable env, when set, overrides its URL. A missing URL is an
// error that says where to set it.
func (c *Config) Service(key, env string) (Service, error) {
	s := c.Services[key]
	if v := os.Getenv(env); v != "" {
		s.URL = v
	}
	if s.URL == "" {
		return s, fmt.Errorf("services.%s.url is empty: set it in the configuration file or in %s", key, env)
	}
	return s, nil
}

// Options turns a service's configuration into worker options.
func (s Service) Options() []worker.ServiceOption {
	var opts []worker.ServiceOption
	if s.Concurrency > 0 {
		opts = append(opts, worker.WithConcurrency(s.Concurrency))
	}
	if s.Timeout > 0 {
		opts = append(opts, worker.WithTimeout(s.Timeout))
	}
	if s.Retry != (Retry{}) {
		opts = append(opts, worker.WithRetry(retry.Policy{
			MaxAttempts: s.Retry.MaxAttempts, Initial: s.Retry.Initial, Max: s.Retry.Max,
			Multiplier: 2, Jitter: 0.2,
		}))
	}
	return opts
}

// Scaffolded by `infgen init worker --package github.com/infgen/infgen/examples/billing/gen/consumption`; edit it freely.

// Command consumption-worker is an infgen worker hosting ConsumptionService.
//
// It reads its configuration file (-config, default worker.yaml) and runs until
// SIGINT or SIGTERM. The transport and storage come from the environment: the
// embedded default when INFGEN_PULSAR_URL is unset, otherwise Pulsar with the
// storage named by INFGEN_POSTGRES_DSN, INFGEN_REDIS_ADDR or INFGEN_MYSQL_DSN.
package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/infgen/infgen/examples/billing/gen/consumption"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/retry"
	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/storage/embedded"
	"github.com/infgen/infgen/runtime/storage/mysql"
	"github.com/infgen/infgen/runtime/storage/postgres"
	"github.com/infgen/infgen/runtime/storage/redis"
	"github.com/infgen/infgen/runtime/transport"
	"github.com/infgen/infgen/runtime/transport/pulsar"
	"github.com/infgen/infgen/runtime/worker"
	"go.yaml.in/yaml/v3"
)

func main() {
	configPath := flag.String("config", "worker.yaml", "worker configuration file")
	flag.Parse()
	if err := run(*configPath); err != nil {
		fmt.Fprintln(os.Stderr, "consumption-worker:", err)
		os.Exit(1)
	}
}

// run starts the worker and blocks until SIGINT or SIGTERM.
func run(configPath string) error {
	cfg, err := loadConfig(configPath)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.level()}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	tr, st, err := openBackends(ctx, logger)
	if err != nil {
		return err
	}
	defer func() {
		_ = tr.Close()
		_ = st.Close()
	}()
	w, err := worker.New(worker.Options{
		Logger:              logger,
		Storage:             st,
		Transport:           tr,
		WorkflowConcurrency: cfg.WorkflowConcurrency,
	})
	if err != nil {
		return err
	}
	closers, err := register(w, cfg)
	defer func() {
		for _, c := range closers {
			_ = c.Close()
		}
	}()
	if err != nil {
		return err
	}
	if err := w.Start(ctx); err != nil {
		return err
	}
	logger.Info("worker started", "name", "consumption-worker")
	<-ctx.Done()
	logger.Info("worker stopping", "name", "consumption-worker")
	return w.Stop()
}

// register hosts the services and workflows in w and returns the connections
// to close when the worker stops.
func register(w *worker.Worker, cfg *config) ([]io.Closer, error) {
	var closers []io.Closer

	// ConsumptionService over HTTP.
	consumptionCfg, err := cfg.service("consumption", "INFGEN_CONSUMPTION_URL")
	if err != nil {
		return closers, err
	}
	if err := consumption.Register(w, consumption.NewHTTPClient(consumptionCfg.URL), consumptionCfg.options()...); err != nil {
		return closers, fmt.Errorf("register ConsumptionService: %w", err)
	}
	return closers, nil
}

// config is the content of the configuration file (worker.yaml).
type config struct {
	LogLevel            string                   `yaml:"log_level"`
	WorkflowConcurrency int                      `yaml:"workflow_concurrency"`
	Services            map[string]serviceConfig `yaml:"services"`
}

// serviceConfig configures one hosted service.
type serviceConfig struct {
	// URL is the API's base URL (HTTP) or the server's host:port (gRPC).
	URL         string        `yaml:"url"`
	Concurrency int           `yaml:"concurrency"`
	Timeout     time.Duration `yaml:"timeout"`
	Retry       retryConfig   `yaml:"retry"`
}

// retryConfig is an exponential back-off with jitter.
type retryConfig struct {
	MaxAttempts int           `yaml:"max_attempts"`
	Initial     time.Duration `yaml:"initial"`
	Max         time.Duration `yaml:"max"`
}

// loadConfig reads the configuration file; unknown keys are errors.
// INFGEN_LOG_LEVEL overrides log_level.
func loadConfig(path string) (*config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read configuration (set -config): %w", err)
	}
	var c config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("parse configuration %s: %w", path, err)
	}
	if v := os.Getenv("INFGEN_LOG_LEVEL"); v != "" {
		c.LogLevel = v
	}
	return &c, nil
}

// level returns the log level (info unless set).
func (c *config) level() slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return slog.LevelInfo
	}
	return l
}

// service returns the configuration of the service under key; the environment
// variable env, when set, overrides its URL.
func (c *config) service(key, env string) (serviceConfig, error) {
	s := c.Services[key]
	if v := os.Getenv(env); v != "" {
		s.URL = v
	}
	if s.URL == "" {
		return s, fmt.Errorf("services.%s.url is empty: set it in the configuration file or in %s", key, env)
	}
	return s, nil
}

// options turns a service's configuration into worker options.
func (s serviceConfig) options() []worker.ServiceOption {
	var opts []worker.ServiceOption
	if s.Concurrency > 0 {
		opts = append(opts, worker.WithConcurrency(s.Concurrency))
	}
	if s.Timeout > 0 {
		opts = append(opts, worker.WithTimeout(s.Timeout))
	}
	if s.Retry != (retryConfig{}) {
		opts = append(opts, worker.WithRetry(retry.Policy{
			Initial:     s.Retry.Initial,
			Jitter:      0.2,
			Max:         s.Retry.Max,
			MaxAttempts: s.Retry.MaxAttempts,
			Multiplier:  2,
		}))
	}
	return opts
}

// openBackends returns the transport and storage the environment selects:
// Pulsar when INFGEN_PULSAR_URL is set, with the shared storage named by
// INFGEN_POSTGRES_DSN, INFGEN_REDIS_ADDR or INFGEN_MYSQL_DSN; otherwise the
// embedded default (in-process transport, single-file storage
// INFGEN_EMBEDDED_PATH, default infgen.db).
func openBackends(ctx context.Context, logger *slog.Logger) (transport.Transport, storage.Storage, error) {
	if os.Getenv(pulsar.EnvURL) == "" {
		path := cmp.Or(os.Getenv(embedded.EnvPath), "infgen.db")
		rt, err := local.Open(path)
		if err != nil {
			return nil, nil, err
		}
		logger.Info("embedded default: in-process transport, single-file storage", "path", path)
		return rt.Transport, rt.Storage, nil
	}
	pc, err := pulsar.ConfigFromEnv()
	if err != nil {
		return nil, nil, err
	}
	pc.Logger = logger
	st, err := openStorage(ctx)
	if err != nil {
		return nil, nil, err
	}
	tr, err := pulsar.New(ctx, pc)
	if err != nil {
		_ = st.Close()
		return nil, nil, fmt.Errorf("connect to Pulsar at %s: %w", pc.URL, err)
	}
	return tr, st, nil
}

// openStorage opens the shared storage named by the environment.
func openStorage(ctx context.Context) (storage.Storage, error) {
	switch {
	case os.Getenv(postgres.EnvDSN) != "":
		c, err := postgres.ConfigFromEnv()
		if err != nil {
			return nil, err
		}
		st, err := c.Open(ctx)
		if err != nil {
			return nil, fmt.Errorf("open PostgreSQL storage: %w", err)
		}
		return st, nil
	case os.Getenv(redis.EnvAddr) != "":
		c, err := redis.ConfigFromEnv()
		if err != nil {
			return nil, err
		}
		st, err := c.Open(ctx)
		if err != nil {
			return nil, fmt.Errorf("open Redis storage: %w", err)
		}
		return st, nil
	case os.Getenv(mysql.EnvDSN) != "":
		c, err := mysql.ConfigFromEnv()
		if err != nil {
			return nil, err
		}
		st, err := c.Open(ctx)
		if err != nil {
			return nil, fmt.Errorf("open MySQL storage: %w", err)
		}
		return st, nil
	}
	return nil, errors.New("INFGEN_PULSAR_URL is set but no shared storage is: set INFGEN_POSTGRES_DSN, INFGEN_REDIS_ADDR or INFGEN_MYSQL_DSN")
}

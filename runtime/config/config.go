package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"slices"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/infgen/infgen/runtime/retry"
	"github.com/infgen/infgen/runtime/telemetry"
	"github.com/infgen/infgen/runtime/webhook"
	"github.com/infgen/infgen/runtime/worker"
)

// EnvLogLevel overrides the file's log_level.
const EnvLogLevel = "INFGEN_LOG_LEVEL"

// EnvLogFormat overrides the file's log_format.
const EnvLogFormat = "INFGEN_LOG_FORMAT"

// Config is the content of a worker's configuration file.
type Config struct {
	// LogLevel is debug, info, warn or error (default info).
	LogLevel string `yaml:"log_level"`
	// LogFormat is json or text (default json).
	LogFormat string `yaml:"log_format"`
	// WorkflowConcurrency bounds the workflow instances handled at once.
	WorkflowConcurrency int `yaml:"workflow_concurrency"`
	// CacheSize is how many running workflows the worker keeps in memory
	// between steps (worker.Options.CacheSize; 0: the default, negative:
	// none).
	CacheSize int `yaml:"cache_size"`
	// HistorySegment is how many batches of history are sealed into a
	// record of their own (worker.Options.HistorySegment; 0: the default,
	// negative: never).
	HistorySegment int `yaml:"history_segment"`
	// LocalTasks runs the fast tasks of services this worker hosts inside
	// the steps of its workflows (default true; false sets
	// worker.Options.DisableLocalTasks; docs/scaling.md).
	LocalTasks *bool `yaml:"local_tasks"`
	// OutcomeEvents publishes workflow and task outcomes as CloudEvents
	// (worker.Options.OutcomeEvents; docs/events.md).
	OutcomeEvents bool `yaml:"outcome_events"`
	// EventRetention is how long the dedup records of handled events are
	// kept (worker.Options.EventRetention; 0: the default, 7 days;
	// negative: forever; docs/events.md).
	EventRetention time.Duration `yaml:"event_retention"`
	// SchedulePoll is how often the worker looks for schedule firings due
	// (worker.Options.SchedulePoll; 0: the default, 1s; negative: this
	// worker fires no schedules; docs/schedules.md).
	SchedulePoll time.Duration `yaml:"schedule_poll"`
	// Services configures the hosted services, by key.
	Services map[string]Service `yaml:"services"`
	// AdminAddr is where the worker's admin API listens (default a free
	// port on 127.0.0.1; "off" disables it); $INFGEN_ADMIN_ADDR overrides it.
	// Any address other than loopback needs $INFGEN_ADMIN_TOKEN.
	AdminAddr string `yaml:"admin_addr"`
	// AdminReadOnly makes the admin API and its dashboard read-only: the
	// routes that steer workflows answer 403. $INFGEN_ADMIN_READ_ONLY=1
	// sets it too.
	AdminReadOnly bool `yaml:"admin_read_only"`
	// Telemetry chooses where metrics and traces go: metrics: prometheus
	// (default, at /metrics of the admin API) or none; traces: none
	// (default), otlp ($OTEL_EXPORTER_OTLP_ENDPOINT) or console; service_name. OTEL_METRICS_EXPORTER,
	// OTEL_TRACES_EXPORTER and OTEL_SERVICE_NAME override them.
	Telemetry telemetry.Options `yaml:"telemetry"`
	// Webhooks configures the receiver of the webhooks and callbacks the
	// APIs send (see runtime/webhook): served on an address of its own,
	// not the admin API's, since the APIs reach it from outside.
	Webhooks Webhooks `yaml:"webhooks"`
	// Receiver is the webhook receiver Run serves when Webhooks.Listen is
	// set (nil otherwise), for the RegisterFunc to register endpoints on
	// (Handle<Name> of generated packages) and to give to HTTP clients
	// (WithCallbacks). It is not read from the file.
	Receiver *webhook.Receiver `yaml:"-"`
}

// Service configures one hosted service. Timeouts and retry policies set
// here take their place in the one precedence of the runtime (see
// retry.Layer): a per-call option in the workflow > Methods > the default
// the spec declares for a method > the service's Timeout and Retry > the
// runtime's default. Leave unset what the spec or the runtime should decide.
type Service struct {
	// URL is the API's base URL (HTTP) or the server's host:port (gRPC).
	URL string `yaml:"url"`
	// Concurrency bounds the tasks of this service run at once by the worker.
	Concurrency int `yaml:"concurrency"`
	// Timeout bounds one attempt of a task of any method for which neither
	// the call, Methods nor the spec sets one.
	Timeout time.Duration `yaml:"timeout"`
	// Retry is an exponential back-off with jitter, for the methods for
	// which neither the call, Methods nor the spec sets a policy.
	Retry Retry `yaml:"retry"`
	// Methods configures single methods by name (the generated interface's
	// method name for HTTP services, the RPC name for gRPC services); it
	// wins over the spec's defaults.
	Methods map[string]Method `yaml:"methods"`
}

// Method configures one method of a service.
type Method struct {
	// Timeout bounds one attempt of the method's tasks.
	Timeout time.Duration `yaml:"timeout"`
	// Retry is the method's retry policy.
	Retry Retry `yaml:"retry"`
}

// Retry configures a retry.Policy; unset fields take retry.Default's values.
type Retry struct {
	MaxAttempts int           `yaml:"max_attempts"`
	Initial     time.Duration `yaml:"initial"`
	Max         time.Duration `yaml:"max"`
}

// policy returns the retry policy r configures, or nil when r is empty.
func (r Retry) policy() *retry.Policy {
	if r == (Retry{}) {
		return nil
	}
	return &retry.Policy{MaxAttempts: r.MaxAttempts, Initial: r.Initial, Max: r.Max, Multiplier: 2, Jitter: 0.2}
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
	if v := os.Getenv(EnvLogFormat); v != "" {
		c.LogFormat = v
	}
	if _, err := c.level(); err != nil {
		return nil, fmt.Errorf("configuration %s: log_level: %w", name, err)
	}
	if c.LogFormat != "" && c.LogFormat != "json" && c.LogFormat != "text" {
		return nil, fmt.Errorf("configuration %s: log_format: %q is not json or text", name, c.LogFormat)
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

// Logger returns the logger of the worker: on stderr, in the configured
// format (JSON unless log_format is text) at the configured level. The
// runtime logs only through it (worker.Options.Logger).
func (c *Config) Logger() *slog.Logger { return c.LoggerTo(os.Stderr) }

// LoggerTo is Logger writing to w.
func (c *Config) LoggerTo(w io.Writer) *slog.Logger {
	l, _ := c.level()
	opts := &slog.HandlerOptions{Level: l}
	if c.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
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

// Options turns a service's configuration into worker options: only what
// is set, so that what is not stays with the spec's and the runtime's
// defaults.
func (s Service) Options() []worker.ServiceOption {
	var opts []worker.ServiceOption
	if s.Concurrency > 0 {
		opts = append(opts, worker.WithConcurrency(s.Concurrency))
	}
	if s.Timeout > 0 {
		opts = append(opts, worker.WithTimeout(s.Timeout))
	}
	if p := s.Retry.policy(); p != nil {
		opts = append(opts, worker.WithRetry(*p))
	}
	for _, name := range slices.Sorted(maps.Keys(s.Methods)) {
		m := s.Methods[name]
		if m.Timeout > 0 {
			opts = append(opts, worker.WithMethodTimeout(name, m.Timeout))
		}
		if p := m.Retry.policy(); p != nil {
			opts = append(opts, worker.WithMethodRetry(name, *p))
		}
	}
	return opts
}

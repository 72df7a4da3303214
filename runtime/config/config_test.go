package config_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/config"
)

const sample = `
log_level: warn
workflow_concurrency: 8
cache_size: 100
history_segment: -1
local_tasks: false
schedule_poll: 5s
event_retention: 48h
services:
  email:
    url: http://127.0.0.1:1
    concurrency: 4
    timeout: 5s
    retry:
      max_attempts: 3
      initial: 100ms
      max: 2s
`

func TestParse(t *testing.T) {
	c, err := config.Parse("worker.yaml", []byte(sample))
	require.NoError(t, err)
	require.Equal(t, 8, c.WorkflowConcurrency)
	require.Equal(t, 100, c.CacheSize)
	require.Equal(t, -1, c.HistorySegment)
	require.False(t, *c.LocalTasks)
	require.Equal(t, 5*time.Second, c.SchedulePoll)
	require.Equal(t, 48*time.Hour, c.EventRetention)
	s, err := c.Service("email", "INFGEN_TEST_EMAIL_URL")
	require.NoError(t, err)
	require.Equal(t, "http://127.0.0.1:1", s.URL)
	require.Equal(t, 5*time.Second, s.Timeout)
	require.Len(t, s.Options(), 3)
	require.NotNil(t, c.Logger())

	t.Setenv("INFGEN_TEST_EMAIL_URL", "http://override")
	s, err = c.Service("email", "INFGEN_TEST_EMAIL_URL")
	require.NoError(t, err)
	require.Equal(t, "http://override", s.URL, "the environment overrides the file")

	_, err = c.Service("payment", "INFGEN_TEST_PAYMENT_URL")
	require.ErrorContains(t, err, "services.payment.url is empty: set it in the configuration file or in INFGEN_TEST_PAYMENT_URL")
}

func TestParseErrorsSayWhere(t *testing.T) {
	_, err := config.Parse("worker.yaml", []byte("log_level: info\nservices:\n  email:\n    ulr: x\n"))
	require.ErrorContains(t, err, "worker.yaml")
	require.ErrorContains(t, err, "line 4")
	require.ErrorContains(t, err, "ulr")

	_, err = config.Parse("worker.yaml", []byte("log_level: loud\n"))
	require.ErrorContains(t, err, `log_level: "loud" is not debug, info, warn or error`)

	_, err = config.Load(filepath.Join(t.TempDir(), "missing.yaml"))
	require.ErrorContains(t, err, "set -config")
}

func TestOpenBackendsEmbeddedDefault(t *testing.T) {
	t.Setenv("INFGEN_PULSAR_URL", "")
	t.Setenv("INFGEN_EMBEDDED_PATH", filepath.Join(t.TempDir(), "state.db"))
	b, err := config.OpenBackends(context.Background(), nil)
	require.NoError(t, err)
	require.Contains(t, b.Description, "embedded default")
	require.False(t, b.Transport.Durable())
	require.NoError(t, b.Close())
}

func TestPulsarWithoutSharedStorageIsAClearError(t *testing.T) {
	t.Setenv("INFGEN_PULSAR_URL", "pulsar://127.0.0.1:1")
	t.Setenv("INFGEN_POSTGRES_DSN", "")
	t.Setenv("INFGEN_REDIS_ADDR", "")
	t.Setenv("INFGEN_MYSQL_DSN", "")
	_, err := config.OpenBackends(context.Background(), nil)
	require.ErrorContains(t, err, "no shared storage is: set INFGEN_POSTGRES_DSN, INFGEN_REDIS_ADDR or INFGEN_MYSQL_DSN")
}

func TestLogFormat(t *testing.T) {
	cfg, err := config.Parse("worker.yaml", []byte("log_format: text\nlog_level: debug\n"))
	require.NoError(t, err)
	var buf bytes.Buffer
	cfg.LoggerTo(&buf).Debug("hello", "workflow_id", "w1")
	require.Equal(t, "level=DEBUG msg=hello workflow_id=w1\n", buf.String()[strings.Index(buf.String(), "level="):])

	cfg, err = config.Parse("worker.yaml", nil)
	require.NoError(t, err)
	buf.Reset()
	cfg.LoggerTo(&buf).Info("hello", "workflow_id", "w1")
	var rec map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &rec), "JSON by default")
	require.Equal(t, "w1", rec["workflow_id"])

	_, err = config.Parse("worker.yaml", []byte("log_format: xml\n"))
	require.ErrorContains(t, err, `log_format: "xml" is not json or text`)
}

func TestTelemetryConfig(t *testing.T) {
	cfg, err := config.Parse("worker.yaml", []byte("telemetry:\n  metrics: none\n  traces: console\n  service_name: billing\n"))
	require.NoError(t, err)
	require.Equal(t, "none", cfg.Telemetry.Metrics)
	require.Equal(t, "console", cfg.Telemetry.Traces)
	require.Equal(t, "billing", cfg.Telemetry.ServiceName)
	_, err = config.Parse("worker.yaml", []byte("telemetry:\n  tracez: console\n"))
	require.ErrorContains(t, err, "tracez")
}

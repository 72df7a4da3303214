package pulsar

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"strconv"
	"time"
)

// Config configures a Transport. The zero value is not usable: URL and
// AdminURL are required (AdminURL unless SkipTopology is set). Fields carry
// yaml and json tags so that a worker configuration file can embed it.
type Config struct {
	// URL is the broker service URL, e.g. pulsar://127.0.0.1:6650 or
	// pulsar+ssl://broker:6651.
	URL string `yaml:"url" json:"url"`
	// AdminURL is the broker's admin REST endpoint, e.g. http://127.0.0.1:8080.
	AdminURL string `yaml:"admin_url" json:"admin_url"`
	// Tenant and Namespace hold every infgen topic; both are created when
	// missing. Defaults: "infgen" and "default".
	Tenant    string `yaml:"tenant" json:"tenant"`
	Namespace string `yaml:"namespace" json:"namespace"`
	// TopicPrefix is put before every logical topic name, so that several
	// deployments can share a namespace.
	TopicPrefix string `yaml:"topic_prefix" json:"topic_prefix"`
	// Token authenticates to the broker and the admin API (JWT token auth).
	Token string `yaml:"token" json:"token"`
	// TLSCAFile is a PEM file with the CA certificates trusted for TLS
	// connections to the broker and the admin API.
	TLSCAFile string `yaml:"tls_ca_file" json:"tls_ca_file"`
	// TLSInsecure accepts any server certificate (tests only).
	TLSInsecure bool `yaml:"tls_insecure" json:"tls_insecure"`
	// Partitions is the number of partitions of the topics infgen creates;
	// 0 creates non-partitioned topics.
	Partitions int `yaml:"partitions" json:"partitions"`
	// Retention keeps acknowledged messages, and messages published before a
	// topic has any subscription, this long (default 1h).
	Retention time.Duration `yaml:"retention" json:"retention"`
	// RetentionMB bounds the retained size per topic (default 1024).
	RetentionMB int `yaml:"retention_mb" json:"retention_mb"`
	// Deduplication turns on broker-side message deduplication for the
	// namespace. Off by default: infgen's tasks carry stable ids, so
	// duplicates are harmless.
	Deduplication bool `yaml:"deduplication" json:"deduplication"`
	// SkipTopology leaves tenant, namespace, policies and topics alone, for
	// deployments where an operator manages them; the admin API is then not used.
	SkipTopology bool `yaml:"skip_topology" json:"skip_topology"`
	// OperationTimeout bounds connecting and each admin or broker operation
	// (default 30s).
	OperationTimeout time.Duration `yaml:"operation_timeout" json:"operation_timeout"`
	// Logger receives the transport's logs (default slog.Default()); the
	// Pulsar client's own logs go there at warning level and above.
	Logger *slog.Logger `yaml:"-" json:"-"`
}

// Environment variables read by ConfigFromEnv.
const (
	EnvURL         = "INFGEN_PULSAR_URL"
	EnvAdminURL    = "INFGEN_PULSAR_ADMIN_URL"
	EnvToken       = "INFGEN_PULSAR_TOKEN"
	EnvTenant      = "INFGEN_PULSAR_TENANT"
	EnvNamespace   = "INFGEN_PULSAR_NAMESPACE"
	EnvTopicPrefix = "INFGEN_PULSAR_TOPIC_PREFIX"
	EnvTLSCA       = "INFGEN_PULSAR_TLS_CA"
	EnvTLSInsecure = "INFGEN_PULSAR_TLS_INSECURE"
	EnvPartitions  = "INFGEN_PULSAR_PARTITIONS"
)

// ConfigFromEnv builds a Config from the INFGEN_PULSAR_* environment
// variables. INFGEN_PULSAR_URL is required.
func ConfigFromEnv() (Config, error) {
	c := Config{
		URL:         os.Getenv(EnvURL),
		AdminURL:    os.Getenv(EnvAdminURL),
		Token:       os.Getenv(EnvToken),
		Tenant:      os.Getenv(EnvTenant),
		Namespace:   os.Getenv(EnvNamespace),
		TopicPrefix: os.Getenv(EnvTopicPrefix),
		TLSCAFile:   os.Getenv(EnvTLSCA),
	}
	if c.URL == "" {
		return Config{}, fmt.Errorf("pulsar: %s is not set: set it to the broker URL, e.g. pulsar://127.0.0.1:6650 (scripts/pulsar.sh env prints it)", EnvURL)
	}
	if v := os.Getenv(EnvTLSInsecure); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return Config{}, fmt.Errorf("pulsar: %s=%q is not a boolean: %w", EnvTLSInsecure, v, err)
		}
		c.TLSInsecure = b
	}
	if v := os.Getenv(EnvPartitions); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return Config{}, fmt.Errorf("pulsar: %s=%q is not a number: %w", EnvPartitions, v, err)
		}
		c.Partitions = n
	}
	return c, nil
}

// namePattern is what Pulsar accepts in tenant, namespace and topic names.
var namePattern = regexp.MustCompile(`^[-=:.\w]+$`)

// withDefaults fills in defaults and validates the configuration.
func (c Config) withDefaults() (Config, error) {
	if c.Tenant == "" {
		c.Tenant = "infgen"
	}
	if c.Namespace == "" {
		c.Namespace = "default"
	}
	if c.Retention == 0 {
		c.Retention = time.Hour
	}
	if c.RetentionMB == 0 {
		c.RetentionMB = 1024
	}
	if c.OperationTimeout == 0 {
		c.OperationTimeout = 30 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	var errs []error
	if c.URL == "" {
		errs = append(errs, fmt.Errorf("URL is empty: set the broker URL (%s)", EnvURL))
	}
	if c.AdminURL == "" && !c.SkipTopology {
		errs = append(errs, fmt.Errorf("AdminURL is empty: set the admin URL (%s) or SkipTopology", EnvAdminURL))
	}
	for what, v := range map[string]string{"tenant": c.Tenant, "namespace": c.Namespace} {
		if !namePattern.MatchString(v) {
			errs = append(errs, fmt.Errorf("%s %q: use letters, digits, '-', '_', '.', '=', ':'", what, v))
		}
	}
	if c.TopicPrefix != "" && !namePattern.MatchString(c.TopicPrefix) {
		errs = append(errs, fmt.Errorf("topic prefix %q: use letters, digits, '-', '_', '.', '=', ':'", c.TopicPrefix))
	}
	if c.Partitions < 0 {
		errs = append(errs, fmt.Errorf("partitions %d: must be 0 (non-partitioned) or more", c.Partitions))
	}
	if err := errors.Join(errs...); err != nil {
		return c, fmt.Errorf("pulsar: invalid config: %w", err)
	}
	return c, nil
}

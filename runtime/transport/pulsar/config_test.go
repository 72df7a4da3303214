package pulsar

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestConfigFromEnv(t *testing.T) {
	t.Setenv(EnvURL, "pulsar+ssl://broker:6651")
	t.Setenv(EnvAdminURL, "https://broker:8443")
	t.Setenv(EnvToken, "tok")
	t.Setenv(EnvTenant, "acme")
	t.Setenv(EnvNamespace, "billing")
	t.Setenv(EnvTopicPrefix, "prod.")
	t.Setenv(EnvTLSCA, "/etc/ca.pem")
	t.Setenv(EnvTLSInsecure, "true")
	t.Setenv(EnvPartitions, "4")
	c, err := ConfigFromEnv()
	require.NoError(t, err)
	require.Equal(t, Config{
		URL: "pulsar+ssl://broker:6651", AdminURL: "https://broker:8443", Token: "tok",
		Tenant: "acme", Namespace: "billing", TopicPrefix: "prod.",
		TLSCAFile: "/etc/ca.pem", TLSInsecure: true, Partitions: 4,
	}, c)

	t.Setenv(EnvTLSInsecure, "maybe")
	_, err = ConfigFromEnv()
	require.ErrorContains(t, err, EnvTLSInsecure)

	t.Setenv(EnvURL, "")
	_, err = ConfigFromEnv()
	require.ErrorContains(t, err, EnvURL)
}

func TestConfigDefaultsAndValidation(t *testing.T) {
	t.Parallel()
	c, err := Config{URL: "pulsar://x:6650", AdminURL: "http://x:8080"}.withDefaults()
	require.NoError(t, err)
	require.Equal(t, "infgen", c.Tenant)
	require.Equal(t, "default", c.Namespace)
	require.Equal(t, time.Hour, c.Retention)
	require.Equal(t, 1024, c.RetentionMB)
	require.NotNil(t, c.Logger)

	_, err = Config{}.withDefaults()
	require.ErrorContains(t, err, EnvURL)
	require.ErrorContains(t, err, EnvAdminURL)

	_, err = Config{URL: "pulsar://x:6650", SkipTopology: true}.withDefaults()
	require.NoError(t, err, "no admin URL needed when topology is skipped")

	_, err = Config{URL: "pulsar://x:6650", AdminURL: "http://x", Tenant: "a/b", TopicPrefix: "p q", Partitions: -1}.withDefaults()
	require.ErrorContains(t, err, `tenant "a/b"`)
	require.ErrorContains(t, err, `topic prefix "p q"`)
	require.ErrorContains(t, err, "partitions -1")
}

func TestFullTopic(t *testing.T) {
	t.Parallel()
	tr := &Transport{cfg: Config{Tenant: "acme", Namespace: "billing", TopicPrefix: "prod."}}
	full, err := tr.fullTopic("workflow.payments")
	require.NoError(t, err)
	require.Equal(t, "persistent://acme/billing/prod.workflow.payments", full)
	for _, bad := range []string{"", "a/b", "white space", "ünï"} {
		_, err := tr.fullTopic(bad)
		require.Error(t, err, "topic %q", bad)
	}
}

func TestLaneOfIsStableAndSpreads(t *testing.T) {
	t.Parallel()
	const lanes = 8
	counts := make([]int, lanes)
	for i := range 8000 {
		key := fmt.Sprintf("wf-%d", i)
		l := laneOf(key, lanes)
		require.Equal(t, l, laneOf(key, lanes), "lane of %s changed", key)
		counts[l]++
	}
	for l, n := range counts {
		require.InDelta(t, 1000, n, 200, "lane %d got %d of 8000 keys", l, n)
	}
}

// fakeAdmin is an admin REST API that records requests.
type fakeAdmin struct {
	mu       sync.Mutex
	requests []string
	bodies   map[string]string
	tenant   bool
	reply    map[string]int // "METHOD path" → status override
}

func (f *fakeAdmin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	req := r.Method + " " + r.URL.Path
	f.requests = append(f.requests, req)
	f.bodies[req] = string(body)
	if r.Header.Get("Authorization") != "Bearer secret" {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if s, ok := f.reply[req]; ok {
		delete(f.reply, req)
		if req == "PUT /admin/v2/tenants/acme" {
			f.tenant = true // created, though the answer is an error
		}
		http.Error(w, `{"reason":"induced"}`, s)
		return
	}
	switch {
	case req == "GET /admin/v2/tenants/acme" && !f.tenant:
		w.WriteHeader(http.StatusNotFound)
	case req == "GET /admin/v2/tenants/acme":
		_, _ = w.Write([]byte(`{}`))
	case req == "GET /admin/v2/clusters":
		_ = json.NewEncoder(w).Encode([]string{"standalone"})
	case req == "PUT /admin/v2/tenants/acme":
		f.tenant = true
		w.WriteHeader(http.StatusNoContent)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

func newFakeAdmin(t *testing.T, reply map[string]int) (*fakeAdmin, *admin) {
	t.Helper()
	f := &fakeAdmin{bodies: map[string]string{}, reply: reply}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	a, err := newAdmin(Config{AdminURL: srv.URL + "/", Token: "secret", Tenant: "acme", Namespace: "billing", OperationTimeout: 5 * time.Second})
	require.NoError(t, err)
	return f, a
}

func TestAdminSetsUpTopology(t *testing.T) {
	t.Parallel()
	f, a := newFakeAdmin(t, nil)
	cfg, err := Config{URL: "pulsar://x", AdminURL: "http://x", Deduplication: true}.withDefaults()
	require.NoError(t, err)
	require.NoError(t, a.ensureNamespace(context.Background(), cfg))
	require.NoError(t, a.ensureTopic(context.Background(), "prod.workflow.pay", 0))
	require.NoError(t, a.ensureTopic(context.Background(), "prod.service.pay", 3))
	require.Equal(t, []string{
		"GET /admin/v2/tenants/acme",
		"GET /admin/v2/clusters",
		"PUT /admin/v2/tenants/acme",
		"PUT /admin/v2/namespaces/acme/billing",
		"POST /admin/v2/namespaces/acme/billing/retention",
		"POST /admin/v2/namespaces/acme/billing/deduplication",
		"POST /admin/v2/namespaces/acme/billing/delayedDelivery",
		"PUT /admin/v2/persistent/acme/billing/prod.workflow.pay",
		"PUT /admin/v2/persistent/acme/billing/prod.service.pay/partitions",
	}, f.requests)
	require.JSONEq(t, `{"allowedClusters":["standalone"],"adminRoles":[]}`, f.bodies["PUT /admin/v2/tenants/acme"])
	require.JSONEq(t, `{"retentionTimeInMinutes":60,"retentionSizeInMB":1024}`, f.bodies["POST /admin/v2/namespaces/acme/billing/retention"])
	require.Equal(t, "true", f.bodies["POST /admin/v2/namespaces/acme/billing/deduplication"])
	require.JSONEq(t, `{"active":true,"tickTime":100}`, f.bodies["POST /admin/v2/namespaces/acme/billing/delayedDelivery"])
	require.Equal(t, "3", f.bodies["PUT /admin/v2/persistent/acme/billing/prod.service.pay/partitions"])
}

func TestAdminToleratesConcurrentCreation(t *testing.T) {
	t.Parallel()
	_, a := newFakeAdmin(t, map[string]int{
		"PUT /admin/v2/tenants/acme":                     http.StatusInternalServerError,
		"PUT /admin/v2/persistent/acme/billing/wf.topic": http.StatusInternalServerError,
	})
	cfg, err := Config{URL: "pulsar://x", AdminURL: "http://x"}.withDefaults()
	require.NoError(t, err)
	require.NoError(t, a.ensureNamespace(context.Background(), cfg), "tenant created by someone else meanwhile")
	require.NoError(t, a.ensureTopic(context.Background(), "wf.topic", 0), "second attempt succeeds")
}

func TestAdminErrorsSayWhatAndWhere(t *testing.T) {
	t.Parallel()
	_, a := newFakeAdmin(t, map[string]int{"POST /admin/v2/namespaces/acme/billing/retention": http.StatusForbidden})
	cfg, err := Config{URL: "pulsar://x", AdminURL: "http://x"}.withDefaults()
	require.NoError(t, err)
	err = a.ensureNamespace(context.Background(), cfg)
	require.ErrorContains(t, err, "set retention policy of namespace acme/billing")
	require.ErrorContains(t, err, a.base+"/namespaces/acme/billing/retention")
	require.ErrorContains(t, err, "HTTP 403")
	require.ErrorContains(t, err, "induced")
}

// TestReconnectErrorsAreWarnings checks the client log filter: a failed
// reconnection attempt (a broker restarting) is a warning, other errors stay
// errors, info is dropped.
func TestReconnectErrorsAreWarnings(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		level slog.Level
		want  string
	}{
		{slog.LevelWarn, "level=WARN msg=\"Failed to create consumer at reconnect\"\nlevel=ERROR msg=\"producer closed\"\n"},
		{slog.LevelError, "level=ERROR msg=\"producer closed\"\n"},
	} {
		var buf bytes.Buffer
		inner := slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: tc.level, ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		}})
		log := slog.New(minLevel{inner, slog.LevelWarn})
		log.Info("connected")
		log.Error("Failed to create consumer at reconnect")
		log.Error("producer closed")
		require.Equal(t, tc.want, buf.String(), "inner level %s", tc.level)
	}
}

package pulsar

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// admin talks to the broker's admin REST API (v2) to manage infgen's
// topology: tenant, namespace, namespace policies and topics.
type admin struct {
	base   string
	token  string
	http   *http.Client
	tenant string
	ns     string
}

// tlsConfig builds the TLS configuration shared by the admin client.
func tlsConfig(c Config) (*tls.Config, error) {
	cfg := &tls.Config{InsecureSkipVerify: c.TLSInsecure} //nolint:gosec // opt-in, for tests
	if c.TLSCAFile != "" {
		pem, err := os.ReadFile(c.TLSCAFile)
		if err != nil {
			return nil, fmt.Errorf("pulsar: read TLS CA file %s: %w", c.TLSCAFile, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("pulsar: TLS CA file %s holds no PEM certificate", c.TLSCAFile)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

func newAdmin(c Config) (*admin, error) {
	tc, err := tlsConfig(c)
	if err != nil {
		return nil, err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = tc
	return &admin{
		base:   strings.TrimRight(c.AdminURL, "/") + "/admin/v2",
		token:  c.Token,
		http:   &http.Client{Transport: tr, Timeout: c.OperationTimeout},
		tenant: c.Tenant,
		ns:     c.Namespace,
	}, nil
}

// do sends one request and returns the status code and body. Statuses in ok
// are successes; any other status is an error quoting the broker's answer.
func (a *admin) do(ctx context.Context, method, path string, body any, ok ...int) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, fmt.Errorf("pulsar admin: encode body of %s %s: %w", method, path, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, rd)
	if err != nil {
		return 0, nil, fmt.Errorf("pulsar admin: %s %s%s: %w", method, a.base, path, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("pulsar admin: %s %s%s (is the broker up? check %s): %w", method, a.base, path, EnvAdminURL, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	for _, s := range ok {
		if resp.StatusCode == s {
			return resp.StatusCode, data, nil
		}
	}
	return resp.StatusCode, data, fmt.Errorf("pulsar admin: %s %s%s: HTTP %d: %s", method, a.base, path, resp.StatusCode, strings.TrimSpace(string(data)))
}

// ensureNamespace creates the tenant and namespace when missing and sets the
// namespace policies infgen relies on.
func (a *admin) ensureNamespace(ctx context.Context, c Config) error {
	status, _, err := a.do(ctx, http.MethodGet, "/tenants/"+a.tenant, nil, http.StatusOK, http.StatusNotFound)
	if err != nil {
		return err
	}
	if status == http.StatusNotFound {
		_, data, err := a.do(ctx, http.MethodGet, "/clusters", nil, http.StatusOK)
		if err != nil {
			return err
		}
		var clusters []string
		if err := json.Unmarshal(data, &clusters); err != nil {
			return fmt.Errorf("pulsar admin: decode cluster list from %s/clusters: %w", a.base, err)
		}
		tenant := map[string]any{"allowedClusters": clusters, "adminRoles": []string{}}
		if _, _, err := a.do(ctx, http.MethodPut, "/tenants/"+a.tenant, tenant, http.StatusNoContent, http.StatusOK, http.StatusConflict); err != nil {
			// Another process may have created it at the same moment; the
			// broker then answers 409 or, on some metadata stores, 500.
			if _, _, gerr := a.do(ctx, http.MethodGet, "/tenants/"+a.tenant, nil, http.StatusOK); gerr != nil {
				return fmt.Errorf("create tenant %q: %w", a.tenant, err)
			}
		}
	}
	ns := "/namespaces/" + a.tenant + "/" + a.ns
	if _, _, err := a.do(ctx, http.MethodPut, ns, nil, http.StatusNoContent, http.StatusOK, http.StatusConflict); err != nil {
		if _, _, gerr := a.do(ctx, http.MethodGet, ns, nil, http.StatusOK); gerr != nil {
			return fmt.Errorf("create namespace %s/%s: %w", a.tenant, a.ns, err)
		}
	}
	policies := []struct {
		name string
		body any
	}{
		{"retention", map[string]any{
			"retentionTimeInMinutes": int(c.Retention / time.Minute),
			"retentionSizeInMB":      c.RetentionMB,
		}},
		{"deduplication", c.Deduplication},
		{"delayedDelivery", map[string]any{"active": true, "tickTime": 100}},
	}
	for _, p := range policies {
		if _, _, err := a.do(ctx, http.MethodPost, ns+"/"+p.name, p.body, http.StatusNoContent, http.StatusOK); err != nil {
			return fmt.Errorf("set %s policy of namespace %s/%s: %w", p.name, a.tenant, a.ns, err)
		}
	}
	return nil
}

// ensureTopic creates a persistent topic (partitioned when partitions > 0);
// an existing topic is left as it is.
func (a *admin) ensureTopic(ctx context.Context, local string, partitions int) error {
	path := "/persistent/" + a.tenant + "/" + a.ns + "/" + local
	var body any
	if partitions > 0 {
		path += "/partitions"
		body = partitions
	}
	var err error
	for attempt := range 3 {
		// A concurrent creation by another process can fail with HTTP 500
		// instead of 409; the next attempt then sees the topic (409).
		if _, _, err = a.do(ctx, http.MethodPut, path, body, http.StatusNoContent, http.StatusOK, http.StatusConflict); err == nil {
			return nil
		}
		select {
		case <-time.After(time.Duration(attempt+1) * 100 * time.Millisecond):
		case <-ctx.Done():
			return fmt.Errorf("create topic %s/%s/%s: %w (after %w)", a.tenant, a.ns, local, ctx.Err(), err)
		}
	}
	return fmt.Errorf("create topic %s/%s/%s: %w", a.tenant, a.ns, local, err)
}

package storagetest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// ServerEnv returns the environment variable name (a server's address or
// DSN), or skips the test with how to start the servers when it is unset.
func ServerEnv(t testing.TB, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		t.Skip(name + " is not set: run scripts/services.sh start && eval \"$(scripts/services.sh env)\"")
	}
	return v
}

// servicesScript returns the path of scripts/services.sh in the module that
// holds the working directory, or "" if there is none.
func servicesScript() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			p := filepath.Join(dir, "scripts", "services.sh")
			if _, err := os.Stat(p); err == nil {
				return p
			}
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// EnvServerRestart must be set for ScriptRestart to restart a server: the
// tests that do run alone (scripts/test.sh), since every other test using
// the server would fail meanwhile.
const EnvServerRestart = "INFGEN_SERVER_RESTART"

// ScriptRestart returns a restart function for Outage that runs
// scripts/services.sh restart <service>. It skips the test unless
// EnvServerRestart is set, and when the script is missing or does not
// manage the server on port (the tests then point at a server someone else
// runs, which they must not restart).
func ScriptRestart(t *testing.T, service string, port int) func(t *testing.T) {
	t.Helper()
	if os.Getenv(EnvServerRestart) == "" {
		t.Skipf("%s is not set: restarting the %s server would break the other tests using it; scripts/test.sh runs this test alone, after them", EnvServerRestart, service)
	}
	script := servicesScript()
	if script == "" {
		t.Skip("scripts/services.sh not found: cannot restart the " + service + " server")
	}
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(c, "bash", script, "port", service).Output()
	require.NoError(t, err, "services.sh port %s", service)
	if got, _ := strconv.Atoi(strings.TrimSpace(string(out))); got != port {
		t.Skipf("the %s server on port %d is not the one scripts/services.sh runs (port %d): not restarting it",
			service, port, got)
	}
	return func(t *testing.T) {
		t.Helper()
		c, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		out, err := exec.CommandContext(c, "bash", script, "restart", service).CombinedOutput()
		require.NoError(t, err, "services.sh restart %s:\n%s", service, out)
	}
}

#!/usr/bin/env bash
# scripts/test.sh — the full test suite, as CI runs it, on a fresh machine.
#
# It installs and starts what the integration tests need (PostgreSQL, Redis
# and MariaDB from Debian packages, Apache Pulsar standalone from Maven
# Central, Jaeger built from tools/jaeger), exports their addresses
# (INFGEN_POSTGRES_DSN, INFGEN_REDIS_ADDR, INFGEN_MYSQL_DSN, INFGEN_PULSAR_URL,
# INFGEN_PULSAR_ADMIN_URL, INFGEN_JAEGER_OTLP_ENDPOINT, INFGEN_JAEGER_QUERY_URL),
# then runs go vet and go test on every package. It installs Chromium too (the
# dashboard's browser test, which fails without it: INFGEN_REQUIRE_BROWSER=1).
#
# The repository holds two Go modules: the root (github.com/infgen/infgen)
# and bench/ (github.com/infgen/infgen/bench, the peer comparisons and their
# dependencies, such as the Temporal SDK). Both must be tidy: the run starts
# with go mod tidy -diff in each and fails when either would change. A full
# run also vets and tests the bench module (its server-backed smoke tests
# skip themselves like the others when their variable is unset).
#
#   scripts/test.sh                 everything
#   INFGEN_SKIP_SERVERS=1 scripts/test.sh   unit tests only: server-backed tests skip themselves
#   scripts/test.sh ./runtime/...   only these packages of the root module (servers still started)
set -euo pipefail
cd "$(dirname "$0")/.."

# Both modules tidy: go.mod and go.sum exactly as go mod tidy would write them.
untidy=()
for dir in . bench; do
  echo "test.sh: go mod tidy -diff ($dir)" >&2
  if ! go -C "$dir" mod tidy -diff; then
    untidy+=("$dir")
  fi
done
if [[ ${#untidy[@]} -gt 0 ]]; then
  for dir in "${untidy[@]}"; do
    echo "test.sh: the module in $dir/ is not tidy: run go -C $dir mod tidy and commit $dir/go.mod and $dir/go.sum" >&2
  done
  exit 1
fi

pkgs=("$@")
if [[ ${#pkgs[@]} -eq 0 ]]; then
  pkgs=(./...)
fi

if [[ -z "${INFGEN_SKIP_SERVERS:-}" ]]; then
  # Start Pulsar first: its JVM warms up while the databases install.
  scripts/pulsar.sh start &
  pulsar_pid=$!
  scripts/jaeger.sh start &
  jaeger_pid=$!
  scripts/services.sh start
  eval "$(scripts/services.sh env)"
  if ! wait "$pulsar_pid"; then
    echo "test.sh: Pulsar did not start; see scripts/pulsar.sh logs" >&2
    exit 1
  fi
  eval "$(scripts/pulsar.sh env)"
  if ! wait "$jaeger_pid"; then
    echo "test.sh: Jaeger did not start; see scripts/jaeger.sh logs" >&2
    exit 1
  fi
  eval "$(scripts/jaeger.sh env)"
  export INFGEN_POSTGRES_DSN INFGEN_REDIS_ADDR INFGEN_MYSQL_DSN INFGEN_PULSAR_URL INFGEN_PULSAR_ADMIN_URL
  export INFGEN_JAEGER_OTLP_ENDPOINT INFGEN_JAEGER_QUERY_URL
fi

# broker_report prints the broker's side of a test failure: its warnings and
# errors, and whether it still takes writes.
broker_report() {
  if [[ -z "${INFGEN_SKIP_SERVERS:-}" ]]; then
    echo "test.sh: tests failed; broker status: $(scripts/pulsar.sh status 2>&1 || true)" >&2
    scripts/pulsar.sh logs 2000 | grep -E " (WARN|ERROR) " | tail -n 30 >&2 || true
  fi
}

# Chromium for the dashboard's browser test, which fails without it here
# (elsewhere it skips): INFGEN_REQUIRE_BROWSER= scripts/test.sh lets it skip.
export INFGEN_REQUIRE_BROWSER="${INFGEN_REQUIRE_BROWSER-1}"
if [[ -n "$INFGEN_REQUIRE_BROWSER" ]]; then
  scripts/services.sh browser
fi

echo "test.sh: go vet" >&2
go vet "${pkgs[@]}"
if [[ $# -eq 0 ]]; then
  echo "test.sh: go vet (bench module)" >&2
  go -C bench vet ./...
fi
echo "test.sh: go test" >&2
if ! go test -count=1 -timeout 25m "${pkgs[@]}"; then
  broker_report
  exit 1
fi
if [[ $# -eq 0 ]]; then
  # The bench module's smoke tests: a small chain on the embedded default, and
  # on each server whose variable is set (Temporal only with INFGEN_TEMPORAL_ADDR).
  echo "test.sh: go test (bench module)" >&2
  if ! go -C bench test -count=1 -timeout 5m ./...; then
    broker_report
    exit 1
  fi
fi
if [[ $# -eq 0 && -z "${INFGEN_SKIP_SERVERS:-}" ]]; then
  # Last, alone on their servers: restart PostgreSQL, Redis and MariaDB (one
  # package each, in parallel: different servers), then the broker, in the
  # middle of running workflows. Any other test using a server meanwhile
  # would fail, so these skip themselves in the run above.
  echo "test.sh: go test (database server restarts)" >&2
  INFGEN_SERVER_RESTART=1 go test -count=1 -timeout 8m -run '^TestServerRestart' ./runtime/storage/postgres ./runtime/storage/redis ./runtime/storage/mysql
  echo "test.sh: go test (Pulsar timer lateness, alone on the broker)" >&2
  INFGEN_PULSAR_TIMING=1 go test -count=1 -timeout 5m -run '^(TestTimersFireOnTime|TestWorkflowTimersOnTime)$' ./runtime/transport/pulsar
  echo "test.sh: go test (Pulsar broker restart)" >&2
  INFGEN_PULSAR_RESTART=1 go test -count=1 -timeout 5m -run '^TestBrokerRestartLosesNothing$' ./runtime/transport/pulsar
  echo "test.sh: go test (fifty kill -9 of Pulsar workers)" >&2
  INFGEN_PULSAR_CAMPAIGN=1 go test -count=1 -timeout 14m -run '^TestKill9Campaign$' ./runtime/transport/pulsar
fi
if [[ $# -eq 0 ]]; then
  # The engine's concurrency, once more under the race detector.
  echo "test.sh: go test -race (runtime core)" >&2
  go test -race -count=1 -timeout 10m ./runtime/internal/... ./runtime/worker ./runtime/local ./runtime/transport/memory ./runtime/storage/embedded ./runtime/workflowtest ./runtime/httpapi
fi

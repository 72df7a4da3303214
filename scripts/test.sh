#!/usr/bin/env bash
# scripts/test.sh — the full test suite, as CI runs it, on a fresh machine.
#
# It installs and starts what the integration tests need (PostgreSQL, Redis
# and MariaDB from Debian packages, Apache Pulsar standalone from Maven
# Central), exports their addresses (INFGEN_POSTGRES_DSN, INFGEN_REDIS_ADDR,
# INFGEN_MYSQL_DSN, INFGEN_PULSAR_URL, INFGEN_PULSAR_ADMIN_URL), then runs
# go vet and go test on every package.
#
#   scripts/test.sh                 everything
#   INFGEN_SKIP_SERVERS=1 scripts/test.sh   unit tests only: server-backed tests skip themselves
#   scripts/test.sh ./runtime/...   only these packages (servers still started)
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=("$@")
if [[ ${#pkgs[@]} -eq 0 ]]; then
  pkgs=(./...)
fi

if [[ -z "${INFGEN_SKIP_SERVERS:-}" ]]; then
  # Start Pulsar first: its JVM warms up while the databases install.
  scripts/pulsar.sh start &
  pulsar_pid=$!
  scripts/services.sh start
  eval "$(scripts/services.sh env)"
  if ! wait "$pulsar_pid"; then
    echo "test.sh: Pulsar did not start; see scripts/pulsar.sh logs" >&2
    exit 1
  fi
  eval "$(scripts/pulsar.sh env)"
  export INFGEN_POSTGRES_DSN INFGEN_REDIS_ADDR INFGEN_MYSQL_DSN INFGEN_PULSAR_URL INFGEN_PULSAR_ADMIN_URL
fi

echo "test.sh: go vet" >&2
go vet "${pkgs[@]}"
echo "test.sh: go test" >&2
if ! go test -count=1 -timeout 25m "${pkgs[@]}"; then
  if [[ -z "${INFGEN_SKIP_SERVERS:-}" ]]; then
    # The broker's side of a failure: its warnings and errors, and whether it still takes writes.
    echo "test.sh: tests failed; broker status: $(scripts/pulsar.sh status 2>&1 || true)" >&2
    scripts/pulsar.sh logs 2000 | grep -E " (WARN|ERROR) " | tail -n 30 >&2 || true
  fi
  exit 1
fi
if [[ $# -eq 0 && -z "${INFGEN_SKIP_SERVERS:-}" ]]; then
  # Last, alone on the broker: restart it in the middle of running workflows.
  echo "test.sh: go test (Pulsar broker restart)" >&2
  INFGEN_PULSAR_RESTART=1 go test -count=1 -timeout 5m -run '^TestBrokerRestartLosesNothing$' ./runtime/transport/pulsar
fi
if [[ $# -eq 0 ]]; then
  # The engine's concurrency, once more under the race detector.
  echo "test.sh: go test -race (runtime core)" >&2
  go test -race -count=1 -timeout 10m ./runtime/internal/... ./runtime/worker ./runtime/local ./runtime/transport/memory ./runtime/storage/embedded ./runtime/workflowtest
fi

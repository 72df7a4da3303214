#!/usr/bin/env bash
# scripts/jaeger.sh — run a Jaeger v2 all-in-one (memory storage) for infgen's trace tests.
#
#   scripts/jaeger.sh start    build (first time only) and start; idempotent
#   scripts/jaeger.sh stop     stop the Jaeger started by this script
#   scripts/jaeger.sh status   exit 0 when its query API answers, 1 otherwise
#   scripts/jaeger.sh env      print the export line for INFGEN_JAEGER_OTLP_ENDPOINT / INFGEN_JAEGER_QUERY_URL
#   scripts/jaeger.sh logs     print the tail of its log
#
# Jaeger is a Go program: tools/jaeger is a module of its own whose go.mod pins it as a tool
# (go get -tool github.com/jaegertracing/jaeger/cmd/jaeger@v1.75.0), so the root module never
# depends on it. It is built from the Go module proxy with the machine's Go and run with
# tools/jaeger/config.yaml: OTLP/HTTP in, traces in memory, the query API (HTTP) out, all on
# 127.0.0.1.
#
# Environment (all optional):
#   INFGEN_CACHE                 cache root (default $HOME/.cache/infgen); the binary lives in $INFGEN_CACHE/jaeger
#   INFGEN_JAEGER_OTLP_PORT      OTLP/HTTP port (default 14318)
#   INFGEN_JAEGER_QUERY_PORT     query API port (default 16696)
#   INFGEN_JAEGER_GRPC_PORT      query gRPC port (default 16695)
#   INFGEN_JAEGER_START_TIMEOUT  seconds to wait for it (default 120)
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE="${INFGEN_CACHE:-$HOME/.cache/infgen}/jaeger"
BIN="$CACHE/jaeger-$(go -C tools/jaeger list -m -f '{{.Version}}' github.com/jaegertracing/jaeger)"
LOG="$CACHE/jaeger.log"
PID_FILE="$CACHE/jaeger.pid"
export INFGEN_JAEGER_OTLP_PORT="${INFGEN_JAEGER_OTLP_PORT:-14318}"
export INFGEN_JAEGER_QUERY_PORT="${INFGEN_JAEGER_QUERY_PORT:-16696}"
export INFGEN_JAEGER_GRPC_PORT="${INFGEN_JAEGER_GRPC_PORT:-16695}"
TIMEOUT="${INFGEN_JAEGER_START_TIMEOUT:-120}"
QUERY_URL="http://127.0.0.1:$INFGEN_JAEGER_QUERY_PORT"

say() { echo "jaeger.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

status() { curl -fsS -o /dev/null "$QUERY_URL/api/services" 2>/dev/null; }

start() {
  mkdir -p "$CACHE"
  if status; then
    say "already running at $QUERY_URL"
    return 0
  fi
  if [[ ! -x "$BIN" ]]; then
    say "building Jaeger into $BIN (first time only)"
    go -C tools/jaeger build -o "$BIN" github.com/jaegertracing/jaeger/cmd/jaeger || die "cannot build Jaeger"
  fi
  # Its log warns every few seconds that it cannot reach localhost:4317 (an exporter of its
  # own, left on by this release whatever the config says): harmless, nothing listens there.
  OTEL_TRACES_EXPORTER=none "$BIN" --config "file:$PWD/tools/jaeger/config.yaml" >"$LOG" 2>&1 &
  echo $! >"$PID_FILE"
  for ((i = 0; i < TIMEOUT; i++)); do
    if status; then
      say "started at $QUERY_URL (OTLP/HTTP on 127.0.0.1:$INFGEN_JAEGER_OTLP_PORT)"
      return 0
    fi
    kill -0 "$(cat "$PID_FILE")" 2>/dev/null || { tail -n 30 "$LOG" >&2; die "Jaeger exited"; }
    sleep 1
  done
  tail -n 30 "$LOG" >&2
  die "Jaeger did not answer within ${TIMEOUT}s"
}

stop() {
  if [[ -f "$PID_FILE" ]]; then
    kill "$(cat "$PID_FILE")" 2>/dev/null || true
    rm -f "$PID_FILE"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  env) echo "export INFGEN_JAEGER_OTLP_ENDPOINT=http://127.0.0.1:$INFGEN_JAEGER_OTLP_PORT INFGEN_JAEGER_QUERY_URL=$QUERY_URL" ;;
  logs) tail -n "${2:-200}" "$LOG" ;;
  *) die "usage: scripts/jaeger.sh start|stop|status|env|logs" ;;
esac

#!/usr/bin/env bash
# scripts/temporal.sh — a Temporal dev server for the chain benchmark (go -C bench run . chain -engine temporal).
#
#   scripts/temporal.sh build    build the Temporal CLI when it is not cached yet, print its path
#   scripts/temporal.sh start    build when needed, start `temporal server start-dev`, wait for the port
#   scripts/temporal.sh stop     stop the server this script started
#   scripts/temporal.sh reset    stop, delete the database file (a fresh server on the next start)
#   scripts/temporal.sh status   exit 0 when the frontend port answers
#   scripts/temporal.sh env      print the export line for the bench tests (INFGEN_TEMPORAL_ADDR)
#
# The CLI is built from the Go module proxy (no prebuilt download):
#   GOBIN=$CACHE/temporal-$VERSION go install github.com/temporalio/cli/cmd/temporal@$VERSION
# and kept in $CACHE, so only the first start pays for the build (several minutes on 2 cores).
# The server runs headless (no web UI), on 127.0.0.1 only, with a SQLite file as its store.
#
# Environment (all optional):
#   INFGEN_CACHE             binary cache (default $HOME/.cache/infgen)
#   INFGEN_TEMPORAL_VERSION  CLI version (default v1.5.1)
#   INFGEN_TEMPORAL_DIR      database file, pid file and log (default /tmp/infgen-temporal)
#   INFGEN_TEMPORAL_PORT     frontend gRPC port (default 7233)
#   INFGEN_TEMPORAL_TIMEOUT  seconds to wait for the port (default 120)
set -euo pipefail

CACHE="${INFGEN_CACHE:-$HOME/.cache/infgen}"
VERSION="${INFGEN_TEMPORAL_VERSION:-v1.5.1}"
DIR="${INFGEN_TEMPORAL_DIR:-/tmp/infgen-temporal}"
PORT="${INFGEN_TEMPORAL_PORT:-7233}"
TIMEOUT="${INFGEN_TEMPORAL_TIMEOUT:-120}"
BIN_DIR="$CACHE/temporal-$VERSION"
BIN="$BIN_DIR/temporal"
PID_FILE="$DIR/temporal.pid"
LOG="$DIR/temporal.log"
DB_FILE="$DIR/temporal.db"

say() { echo "temporal.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

# port_open exits 0 when something accepts TCP connections on 127.0.0.1:$PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

build() {
  if [[ -x "$BIN" ]]; then
    echo "$BIN"
    return
  fi
  command -v go >/dev/null || die "the go command is needed to build the Temporal CLI"
  mkdir -p "$BIN_DIR"
  say "building the Temporal CLI $VERSION into $BIN_DIR (first time only; several minutes)"
  if ! GOBIN="$BIN_DIR" GOFLAGS=-buildvcs=false go install "github.com/temporalio/cli/cmd/temporal@$VERSION" >&2; then
    die "go install github.com/temporalio/cli/cmd/temporal@$VERSION failed (is the Go module proxy reachable?)"
  fi
  echo "$BIN"
}

running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

start() {
  if port_open; then
    say "something already listens on 127.0.0.1:$PORT; using it"
    return
  fi
  build >/dev/null
  mkdir -p "$DIR"
  say "starting the dev server on 127.0.0.1:$PORT (db $DB_FILE, log $LOG)"
  nohup "$BIN" server start-dev --headless --ip 127.0.0.1 --port "$PORT" \
    --db-filename "$DB_FILE" --log-level warn >"$LOG" 2>&1 &
  echo $! >"$PID_FILE"
  local waited=0
  until port_open; do
    if ! running_pid >/dev/null; then
      say "the server exited; last lines of $LOG:"
      tail -n 30 "$LOG" >&2 || true
      die "temporal server start-dev did not start"
    fi
    if ((waited >= TIMEOUT)); then
      tail -n 30 "$LOG" >&2 || true
      die "port $PORT not open after ${TIMEOUT}s"
    fi
    sleep 1
    waited=$((waited + 1))
  done
  # The port opens before the default namespace is registered: wait for it too.
  until "$BIN" operator namespace describe --namespace default --address "127.0.0.1:$PORT" >/dev/null 2>&1; do
    if ((waited >= TIMEOUT)); then
      tail -n 30 "$LOG" >&2 || true
      die "namespace default not ready after ${TIMEOUT}s"
    fi
    sleep 1
    waited=$((waited + 1))
  done
  say "ready on 127.0.0.1:$PORT after ${waited}s"
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    say "not running (no live pid in $PID_FILE)"
    rm -f "$PID_FILE"
    return
  fi
  kill "$pid"
  for _ in $(seq 1 30); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "still running after 30s, sending SIGKILL to $pid"
    kill -9 "$pid" || true
  fi
  rm -f "$PID_FILE"
  say "stopped"
}

case "${1:-}" in
build) build ;;
start) start ;;
stop) stop ;;
reset)
  stop
  rm -f "$DB_FILE"
  say "removed $DB_FILE"
  ;;
status) port_open ;;
env) echo "export INFGEN_TEMPORAL_ADDR=127.0.0.1:$PORT" ;;
*)
  echo "usage: $0 build|start|stop|reset|status|env" >&2
  exit 2
  ;;
esac

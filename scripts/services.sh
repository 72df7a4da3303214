#!/usr/bin/env bash
# scripts/services.sh — PostgreSQL, Redis and MariaDB for infgen's storage tests.
#
#   scripts/services.sh start   [postgres|redis|mysql]...   install when missing, start when not running
#   scripts/services.sh stop    [postgres|redis|mysql]...   stop the servers this script started
#   scripts/services.sh restart [postgres|redis|mysql]...   stop, then start
#   scripts/services.sh status  [postgres|redis|mysql]...   exit 0 when every named server answers
#   scripts/services.sh env                                 print the export line for the tests
#   scripts/services.sh port    postgres|redis|mysql        print the port the script runs it on
#   scripts/services.sh browser                             install Chromium when missing (the dashboard's browser test)
#
# Without names, every command acts on all three servers. Typical use:
#
#   scripts/services.sh start && eval "$(scripts/services.sh env)"
#
# The servers come from Debian packages (postgresql, redis-server, mariadb-server), installed
# with apt-get when their binaries are missing (needs root). They are started directly, without
# systemd, as their own system users, listening on 127.0.0.1 only, on non-default ports, with
# data, sockets, pid files and logs under $INFGEN_SERVICES_DIR. Every command is idempotent.
#
# Environment (all optional):
#   INFGEN_SERVICES_DIR      data and log root (default /tmp/infgen-services)
#   INFGEN_SERVICES_TIMEOUT  seconds to wait for a server to answer (default 60)
#   INFGEN_PG_PORT           PostgreSQL port (default 15432)
#   INFGEN_REDIS_PORT        Redis port (default 16379)
#   INFGEN_MYSQL_PORT        MariaDB port (default 13306)
set -euo pipefail

ROOT="${INFGEN_SERVICES_DIR:-/tmp/infgen-services}"
TIMEOUT="${INFGEN_SERVICES_TIMEOUT:-60}"
PG_PORT="${INFGEN_PG_PORT:-15432}"
REDIS_PORT="${INFGEN_REDIS_PORT:-16379}"
MYSQL_PORT="${INFGEN_MYSQL_PORT:-13306}"
DB=infgen USER_NAME=infgen PASSWORD=infgen

PG_DIR="$ROOT/postgres" REDIS_DIR="$ROOT/redis" MYSQL_DIR="$ROOT/mysql"
PG_LOG="$ROOT/postgres.log" REDIS_LOG="$ROOT/redis.log" MYSQL_LOG="$ROOT/mysql.log"
MYSQL_SOCK="$MYSQL_DIR/mysql.sock"

say() { echo "services.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

# log_tail prints the end of a server log to stderr, for error messages.
log_tail() {
  if [[ -f "$1" ]]; then
    say "last lines of $1:"
    tail -n 30 "$1" >&2
  fi
}

# as_user runs a command as the given system user when we are root, else as ourselves.
as_user() {
  local user="$1"
  shift
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u "$user" -- "$@"
  else
    "$@"
  fi
}

# wait_for runs the check until it succeeds or TIMEOUT seconds pass; it gives up at once
# when WAIT_PID is set and that process has exited.
wait_for() {
  local what="$1" log="$2"
  shift 2
  local deadline=$((SECONDS + TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    if [[ -n "${WAIT_PID:-}" ]] && ! kill -0 "$WAIT_PID" 2>/dev/null; then
      log_tail "$log"
      die "$what exited during start-up (read the log above)"
    fi
    if ((SECONDS >= deadline)); then
      log_tail "$log"
      die "$what did not answer within ${TIMEOUT}s (raise INFGEN_SERVICES_TIMEOUT or read the log above)"
    fi
    sleep 0.3
  done
}

# ---------------------------------------------------------------- installation

APT_UPDATED=""
apt_install() {
  [[ "$(id -u)" == 0 ]] || die "$* missing and not root: install it (apt-get install -y $*) or rerun as root"
  command -v apt-get >/dev/null || die "$* missing and apt-get not found: install it with the system's package manager"
  if [[ -z "$APT_UPDATED" ]]; then
    say "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || die "apt-get update failed"
    APT_UPDATED=1
  fi
  say "apt-get install $*"
  # policy-rc.d may refuse to start the packaged services: that is fine, we start our own.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2 || die "apt-get install $* failed"
}

pg_bindir() {
  local d
  if command -v pg_config >/dev/null && d="$(pg_config --bindir 2>/dev/null)" && [[ -x "$d/initdb" ]]; then
    echo "$d"
    return
  fi
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [[ -n "$d" && -x "$d/initdb" ]] && echo "$d"
}

ensure_installed() {
  local missing=()
  for s in "$@"; do
    case "$s" in
      postgres) pg_bindir >/dev/null || missing+=(postgresql) ;;
      redis) command -v redis-server >/dev/null && command -v redis-cli >/dev/null || missing+=(redis-server) ;;
      mysql) command -v mariadbd >/dev/null && command -v mariadb-install-db >/dev/null || missing+=(mariadb-server) ;;
    esac
  done
  if ((${#missing[@]})); then apt_install "${missing[@]}"; fi
}

# ---------------------------------------------------------------- PostgreSQL

pg_ready() { "$(pg_bindir)/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; }

# pg_clear_stale_pid removes the lock files (postmaster.pid, the socket's .lock) of a
# postmaster that is gone, a zombie (killed, not yet reaped), or whose pid now belongs to
# another program: PostgreSQL would take it for a live server and refuse to start.
pg_clear_stale_pid() {
  local f pid
  for f in "$PG_DIR/postmaster.pid" "$PG_DIR/.s.PGSQL.$PG_PORT.lock"; do
    pid="$(head -n 1 "$f" 2>/dev/null)" || continue
    [[ -n "$pid" ]] || continue
    if [[ "$(awk '/^State:/ {print $2}' "/proc/$pid/status" 2>/dev/null)" == Z ||
      "$(cat "/proc/$pid/comm" 2>/dev/null)" != postgres ]]; then
      say "postgres: removing $(basename "$f") of dead process $pid"
      rm -f "$f"
    fi
  done
}

pg_start() {
  local bin
  bin="$(pg_bindir)" || die "PostgreSQL binaries not found under /usr/lib/postgresql"
  if pg_ready; then
    say "postgres already answering on 127.0.0.1:$PG_PORT"
  else
    mkdir -p "$ROOT"
    chmod 755 "$ROOT"
    if [[ ! -f "$PG_DIR/PG_VERSION" ]]; then
      say "postgres: initdb $PG_DIR"
      mkdir -p "$PG_DIR"
      [[ "$(id -u)" == 0 ]] && chown postgres:postgres "$PG_DIR"
      as_user postgres "$bin/initdb" -D "$PG_DIR" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
        -E UTF8 --locale=C.UTF-8 >"$ROOT/postgres-initdb.log" 2>&1 ||
        { log_tail "$ROOT/postgres-initdb.log"; die "postgres initdb failed"; }
    fi
    touch "$PG_LOG" && { [[ "$(id -u)" != 0 ]] || chown postgres:postgres "$PG_LOG"; }
    pg_clear_stale_pid
    say "postgres: starting on 127.0.0.1:$PG_PORT"
    as_user postgres "$bin/pg_ctl" -D "$PG_DIR" -l "$PG_LOG" -w -t "$TIMEOUT" \
      -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $PG_DIR -c max_connections=300" start >/dev/null ||
      { log_tail "$PG_LOG"; die "postgres did not start"; }
    wait_for postgres "$PG_LOG" pg_ready
  fi
  as_user postgres "$bin/psql" -q -h "$PG_DIR" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 >/dev/null <<SQL ||
SELECT 'CREATE ROLE $USER_NAME LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$USER_NAME')\gexec
ALTER ROLE $USER_NAME PASSWORD '$PASSWORD';
SELECT 'CREATE DATABASE $DB OWNER $USER_NAME' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB')\gexec
SQL
    { log_tail "$PG_LOG"; die "postgres: creating role/database $DB failed"; }
}

pg_stop() {
  local bin
  bin="$(pg_bindir)" || return 0
  [[ -f "$PG_DIR/postmaster.pid" ]] || { say "postgres not running"; return 0; }
  say "postgres: stopping"
  as_user postgres "$bin/pg_ctl" -D "$PG_DIR" -m fast -w -t "$TIMEOUT" stop >/dev/null ||
    { log_tail "$PG_LOG"; die "postgres did not stop"; }
}

# ---------------------------------------------------------------- Redis

redis_ready() { [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }

redis_start() {
  if redis_ready; then
    say "redis already answering on 127.0.0.1:$REDIS_PORT"
    return
  fi
  mkdir -p "$REDIS_DIR"
  chmod 755 "$ROOT"
  touch "$REDIS_LOG"
  [[ "$(id -u)" == 0 ]] && chown redis:redis "$REDIS_DIR" "$REDIS_LOG"
  say "redis: starting on 127.0.0.1:$REDIS_PORT"
  # appendonly + appendfsync everysec: a restart (SHUTDOWN saves) loses nothing; a crash of
  # the whole machine may lose the last second.
  as_user redis redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$REDIS_DIR" \
    --daemonize yes --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_LOG" \
    --appendonly yes --appendfsync everysec --save "" --proto-max-bulk-len 512mb ||
    { log_tail "$REDIS_LOG"; die "redis-server did not start"; }
  wait_for redis "$REDIS_LOG" redis_ready
}

redis_stop() {
  redis_ready || { say "redis not running"; return 0; }
  say "redis: stopping"
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true
  local deadline=$((SECONDS + TIMEOUT))
  while redis_ready; do
    ((SECONDS < deadline)) || { log_tail "$REDIS_LOG"; die "redis did not stop"; }
    sleep 0.2
  done
}

# ---------------------------------------------------------------- MariaDB

mysql_ready() { mariadb-admin --socket="$MYSQL_SOCK" -uroot ping >/dev/null 2>&1; }

mysql_start() {
  if mysql_ready; then
    say "mariadb already answering on 127.0.0.1:$MYSQL_PORT"
  else
    mkdir -p "$MYSQL_DIR"
    chmod 755 "$ROOT"
    touch "$MYSQL_LOG"
    [[ "$(id -u)" == 0 ]] && chown mysql:mysql "$MYSQL_DIR" "$MYSQL_LOG"
    if [[ ! -d "$MYSQL_DIR/mysql" ]]; then
      say "mariadb: installing the system tables in $MYSQL_DIR"
      local user_opt=()
      [[ "$(id -u)" == 0 ]] && user_opt=(--user=mysql)
      mariadb-install-db "${user_opt[@]}" --datadir="$MYSQL_DIR" --skip-test-db \
        --auth-root-authentication-method=socket >"$ROOT/mysql-install.log" 2>&1 ||
        { log_tail "$ROOT/mysql-install.log"; die "mariadb-install-db failed"; }
    fi
    say "mariadb: starting on 127.0.0.1:$MYSQL_PORT"
    local user_opt=()
    [[ "$(id -u)" == 0 ]] && user_opt=(--user=mysql)
    setsid mariadbd --no-defaults "${user_opt[@]}" --datadir="$MYSQL_DIR" --bind-address=127.0.0.1 \
      --port="$MYSQL_PORT" --socket="$MYSQL_SOCK" --pid-file="$MYSQL_DIR/mariadb.pid" \
      --log-error="$MYSQL_LOG" --max-allowed-packet=256M --max-connections=300 \
      --innodb-log-file-size=256M --innodb-buffer-pool-size=256M \
      </dev/null >>"$MYSQL_LOG" 2>&1 &
    WAIT_PID=$! wait_for mariadb "$MYSQL_LOG" mysql_ready
  fi
  mariadb --socket="$MYSQL_SOCK" -uroot >/dev/null <<SQL || { log_tail "$MYSQL_LOG"; die "mariadb: creating user/database $DB failed"; }
CREATE DATABASE IF NOT EXISTS $DB;
CREATE USER IF NOT EXISTS '$USER_NAME'@'127.0.0.1' IDENTIFIED BY '$PASSWORD';
CREATE USER IF NOT EXISTS '$USER_NAME'@'localhost' IDENTIFIED BY '$PASSWORD';
GRANT ALL ON $DB.* TO '$USER_NAME'@'127.0.0.1';
GRANT ALL ON $DB.* TO '$USER_NAME'@'localhost';
SQL
}

mysql_stop() {
  mysql_ready || { say "mariadb not running"; return 0; }
  say "mariadb: stopping"
  mariadb-admin --socket="$MYSQL_SOCK" -uroot shutdown >/dev/null 2>&1 || true
  local deadline=$((SECONDS + TIMEOUT))
  while mysql_ready || [[ -f "$MYSQL_DIR/mariadb.pid" ]]; do
    ((SECONDS < deadline)) || { log_tail "$MYSQL_LOG"; die "mariadb did not stop"; }
    sleep 0.2
  done
}

# ---------------------------------------------------------------- commands

print_env() {
  echo "export INFGEN_POSTGRES_DSN='postgres://$USER_NAME:$PASSWORD@127.0.0.1:$PG_PORT/$DB?sslmode=disable'" \
    "INFGEN_REDIS_ADDR='127.0.0.1:$REDIS_PORT'" \
    "INFGEN_MYSQL_DSN='$USER_NAME:$PASSWORD@tcp(127.0.0.1:$MYSQL_PORT)/$DB'"
}

status() {
  local rc=0
  for s in "$@"; do
    if "${s}_ready_cmd"; then say "$s: up"; else say "$s: down"; rc=1; fi
  done
  return "$rc"
}
postgres_ready_cmd() { pg_bindir >/dev/null && pg_ready; }
redis_ready_cmd() { command -v redis-cli >/dev/null && redis_ready; }
mysql_ready_cmd() { command -v mariadb-admin >/dev/null && mysql_ready; }

cmd="${1:-}"
shift || true
if [[ "$cmd" == browser ]]; then
  # Headless Chromium for runtime/admin/dashboard's browser test (chromedp).
  for b in chromium chromium-browser google-chrome google-chrome-stable; do
    command -v "$b" >/dev/null && exit 0
  done
  apt_install chromium
  exit 0
fi
services=("$@")
((${#services[@]})) || services=(postgres redis mysql)
for s in "${services[@]}"; do
  case "$s" in postgres | redis | mysql) ;; *) die "unknown service '$s' (want postgres, redis or mysql)" ;; esac
done

start_one() { case "$1" in postgres) pg_start ;; redis) redis_start ;; mysql) mysql_start ;; esac; }
stop_one() { case "$1" in postgres) pg_stop ;; redis) redis_stop ;; mysql) mysql_stop ;; esac; }

case "$cmd" in
  start)
    ensure_installed "${services[@]}"
    for s in "${services[@]}"; do start_one "$s"; done
    ;;
  stop) for s in "${services[@]}"; do stop_one "$s"; done ;;
  restart)
    ensure_installed "${services[@]}"
    for s in "${services[@]}"; do stop_one "$s"; start_one "$s"; done
    ;;
  status) status "${services[@]}" ;;
  env) print_env ;;
  port)
    ((${#services[@]} == 1)) || die "usage: $0 port postgres|redis|mysql"
    case "${services[0]}" in postgres) echo "$PG_PORT" ;; redis) echo "$REDIS_PORT" ;; mysql) echo "$MYSQL_PORT" ;; esac
    ;;
  *) die "usage: $0 start|stop|restart|status [postgres|redis|mysql]... | env | port NAME | browser" ;;
esac

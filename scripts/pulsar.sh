#!/usr/bin/env bash
# scripts/pulsar.sh — run an Apache Pulsar 4.0.x LTS standalone broker for infgen's tests.
#
#   scripts/pulsar.sh start    download (first time only) and start; idempotent
#   scripts/pulsar.sh stop     stop the broker started by this script
#   scripts/pulsar.sh status   exit 0 when the broker answers, 1 otherwise
#   scripts/pulsar.sh env      print the export line for INFGEN_PULSAR_URL / INFGEN_PULSAR_ADMIN_URL
#   scripts/pulsar.sh logs     print the tail of the broker log
#
# Pulsar comes from Maven Central only, run with the machine's Java 17. First the server
# distribution (org.apache.pulsar:pulsar-server-distribution:<v>:tar.gz:bin) is tried; when
# Maven Central does not serve it, org.apache.pulsar:pulsar-broker and its dependencies are
# resolved (org.apache.pulsar:pulsar:<v> imported as a BOM) and
# org.apache.pulsar.PulsarStandaloneStarter is run with a minimal standalone.conf.
#
# Environment (all optional):
#   INFGEN_PULSAR_VERSION        Pulsar version (default 4.0.7)
#   INFGEN_CACHE                 cache root (default $HOME/.cache/infgen); jars live in $INFGEN_CACHE/pulsar
#   INFGEN_PULSAR_DIR            run directory: data, conf, log, pid (default $INFGEN_CACHE/pulsar/run)
#   INFGEN_PULSAR_START_TIMEOUT  seconds to wait for the broker (default 240)
#   INFGEN_PULSAR_HEAP           JVM heap (default 1g)
#   INFGEN_PULSAR_JOURNAL_SYNC   true (default) makes the bookie fsync its journal before it
#                                acknowledges a write, as a production bookie does; false skips the
#                                fsync (faster, but a machine crash or power loss, not a process
#                                crash, can lose messages the broker had acknowledged)
#   INFGEN_PULSAR_KEEP_DATA      1 keeps the broker's data from the previous start; by default each
#                                start begins on an empty data directory, so topics and ledgers of
#                                earlier runs (or of a broker killed mid-write) never weigh on a test run
set -euo pipefail

VERSION="${INFGEN_PULSAR_VERSION:-4.0.7}"
CACHE="${INFGEN_CACHE:-$HOME/.cache/infgen}/pulsar"
DIST_DIR="$CACHE/$VERSION"
RUN_DIR="${INFGEN_PULSAR_DIR:-$CACHE/run}"
LOG="$RUN_DIR/pulsar.log"
PID_FILE="$RUN_DIR/pulsar.pid"
TIMEOUT="${INFGEN_PULSAR_START_TIMEOUT:-240}"
HEAP="${INFGEN_PULSAR_HEAP:-1g}"
JOURNAL_SYNC="${INFGEN_PULSAR_JOURNAL_SYNC:-true}"
BROKER_URL="pulsar://127.0.0.1:6650"
ADMIN_URL="http://127.0.0.1:8080"

say() { echo "pulsar.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

# answering succeeds when the public/default namespace answers on the admin API.
answering() {
  curl -fsS -m 3 -o /dev/null "$ADMIN_URL/admin/v2/namespaces/public/default" 2>/dev/null
}

# writable succeeds when the broker can create a persistent topic, which opens a ledger on the
# embedded bookie: the namespace answers long before the bookie takes writes, and a bookie that
# is read-only (full disk) or quarantined fails here instead of in the tests.
writable() {
  local probe="$ADMIN_URL/admin/v2/persistent/public/default/infgen-ready-probe"
  local code
  code="$(curl -sS -m 10 -o /dev/null -w '%{http_code}' -X PUT "$probe" 2>/dev/null)" || return 1
  [[ "$code" == 204 || "$code" == 409 ]] || return 1
  curl -sS -m 10 -o /dev/null -X DELETE "$probe?force=true" 2>/dev/null || true
}

# ready succeeds when the broker answers and takes writes.
ready() {
  answering && writable
}

# check_disk warns when the run directory's file system is nearly full: the bookie turns
# read-only when it crosses its threshold, and every write then fails.
check_disk() {
  local avail_kb
  avail_kb="$(df -Pk "$RUN_DIR" | awk 'NR==2 {print $4}')"
  if [[ -n "$avail_kb" ]] && ((avail_kb < 2 * 1024 * 1024)); then
    say "warning: only $((avail_kb / 1024)) MiB free under $RUN_DIR; the broker needs about 1 GiB for its data"
  fi
}

# alive succeeds when pid is a live (not zombie) Pulsar standalone process.
alive() {
  local stat
  stat="$(ps -o stat= -p "$1" 2>/dev/null)" || return 1
  [[ -n "$stat" && "$stat" != Z* ]] || return 1
  grep -q PulsarStandaloneStarter "/proc/$1/cmdline" 2>/dev/null
}

# running_pid prints the pid of the broker this script started, if it is alive.
running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [[ -n "$pid" ]] && alive "$pid" && echo "$pid"
}

show_log_tail() {
  if [[ -f "$LOG" ]]; then
    say "last lines of $LOG:"
    tail -n 40 "$LOG" >&2
  fi
}

# fetch_distribution tries the server distribution tarball from Maven Central.
fetch_distribution() {
  local tgz="$HOME/.m2/repository/org/apache/pulsar/pulsar-server-distribution/$VERSION/pulsar-server-distribution-$VERSION-bin.tar.gz"
  if [[ ! -f "$tgz" ]]; then
    say "trying org.apache.pulsar:pulsar-server-distribution:$VERSION:tar.gz:bin from Maven Central"
    mvn -q -B dependency:get -Dtransitive=false \
      -Dartifact="org.apache.pulsar:pulsar-server-distribution:$VERSION:tar.gz:bin" \
      >"$CACHE/mvn-distribution.log" 2>&1 || return 1
  fi
  mkdir -p "$DIST_DIR/dist.tmp"
  tar -xzf "$tgz" -C "$DIST_DIR/dist.tmp" --strip-components=1
  mv "$DIST_DIR/dist.tmp" "$DIST_DIR/dist"
}

# fetch_jars resolves pulsar-broker with its dependencies into $DIST_DIR/lib.
fetch_jars() {
  local work="$DIST_DIR/resolve"
  mkdir -p "$work"
  cat >"$work/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.infgen</groupId>
  <artifactId>pulsar-standalone</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>org.apache.pulsar</groupId>
        <artifactId>pulsar</artifactId>
        <version>$VERSION</version>
        <type>pom</type>
        <scope>import</scope>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency><groupId>org.apache.pulsar</groupId><artifactId>pulsar-broker</artifactId><version>$VERSION</version></dependency>
    <dependency><groupId>org.apache.pulsar</groupId><artifactId>pulsar-metadata</artifactId><version>$VERSION</version></dependency>
    <dependency><groupId>org.apache.pulsar</groupId><artifactId>bouncy-castle-bc</artifactId><version>$VERSION</version><classifier>pkg</classifier></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-api</artifactId></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j2-impl</artifactId></dependency>
  </dependencies>
</project>
EOF
  say "resolving org.apache.pulsar:pulsar-broker:$VERSION and its dependencies from Maven Central (log: $CACHE/mvn-resolve.log)"
  rm -rf "$DIST_DIR/lib.tmp"
  if ! (cd "$work" && mvn -B dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$DIST_DIR/lib.tmp" >"$CACHE/mvn-resolve.log" 2>&1); then
    grep -E "ERROR|Could not" "$CACHE/mvn-resolve.log" | head -n 20 >&2 || true
    die "maven could not resolve org.apache.pulsar:pulsar-broker:$VERSION (full log: $CACHE/mvn-resolve.log)"
  fi
  rm -rf "$DIST_DIR/lib"
  mv "$DIST_DIR/lib.tmp" "$DIST_DIR/lib"
}

fetch() {
  mkdir -p "$CACHE" "$DIST_DIR"
  [[ -x "$DIST_DIR/dist/bin/pulsar" || -d "$DIST_DIR/lib" ]] && return 0
  command -v mvn >/dev/null || die "mvn not found: install Maven (apt-get install maven)"
  command -v java >/dev/null || die "java not found: install OpenJDK 17 (apt-get install openjdk-17-jdk-headless)"
  if fetch_distribution; then
    say "using the server distribution in $DIST_DIR/dist"
    return 0
  fi
  say "the server distribution is not served by Maven Central; falling back to pulsar-broker jars"
  fetch_jars
}

write_conf() {
  mkdir -p "$RUN_DIR/conf"
  cat >"$RUN_DIR/conf/standalone.conf" <<'EOF'
# Minimal single-node configuration written by scripts/pulsar.sh (infgen tests).
clusterName=standalone
advertisedAddress=127.0.0.1
bindAddress=127.0.0.1
brokerServicePort=6650
webServicePort=8080
managedLedgerDefaultEnsembleSize=1
managedLedgerDefaultWriteQuorum=1
managedLedgerDefaultAckQuorum=1
managedLedgerCacheSizeMB=64
delayedDeliveryEnabled=true
delayedDeliveryTickTimeMillis=100
isDelayedDeliveryDeliverAtTimeStrict=true
allowAutoTopicCreation=true
allowAutoTopicCreationType=non-partitioned
functionsWorkerEnabled=false
systemTopicEnabled=true
topicLevelPoliciesEnabled=true
# Topics of finished test runs go away after an hour without traffic or backlog.
brokerDeleteInactiveTopicsEnabled=true
brokerDeleteInactiveTopicsMode=delete_when_subscriptions_caught_up
brokerDeleteInactiveTopicsMaxInactiveDurationSeconds=3600
brokerDeleteInactiveTopicsFrequencySeconds=600
# Latency: a caught-up cursor reads new entries at once instead of after 10 ms.
managedLedgerNewEntriesCheckDelayInMillis=0
webSocketServiceEnabled=false
authenticationEnabled=false
authorizationEnabled=false
# One bookie: never quarantine it after a burst of errors (the default health check would take
# the only bookie out for 30 minutes: "Not enough non-faulty bookies available"), and let it
# write until the disk is really full instead of turning read-only at 95 %.
bookkeeperClientHealthCheckEnabled=false
diskUsageThreshold=0.995
diskUsageWarnThreshold=0.99
diskUsageLwmThreshold=0.99
# Bookie (the standalone broker embeds one): small caches. journalSyncData is appended below
# (INFGEN_PULSAR_JOURNAL_SYNC); the journal groups the entries of up to 1 ms into one fsync.
journalFlushWhenQueueEmpty=true
journalMaxGroupWaitMSec=1
dbStorage_writeCacheMaxSizeMb=64
dbStorage_readAheadCacheMaxSizeMb=32
dbStorage_rocksDB_blockCacheSize=16777216
numAddWorkerThreads=1
numReadWorkerThreads=1
numHighPriorityWorkerThreads=1
numIOThreads=2
numHttpServerThreads=4
numExecutorThreadPoolSize=2
numOrderedExecutorThreads=2
bookkeeperClientNumWorkerThreads=2
bookkeeperClientNumIoThreads=2
managedLedgerNumSchedulerThreads=2
EOF
  case "$JOURNAL_SYNC" in
    true|false) echo "journalSyncData=$JOURNAL_SYNC" >>"$RUN_DIR/conf/standalone.conf" ;;
    *) say "INFGEN_PULSAR_JOURNAL_SYNC must be true or false, not '$JOURNAL_SYNC'"; exit 2 ;;
  esac
  cat >"$RUN_DIR/conf/log4j2.xml" <<'EOF'
<Configuration status="warn">
  <Appenders>
    <Console name="Console" target="SYSTEM_OUT">
      <PatternLayout pattern="%d{ISO8601} %-5level [%t] %c{1} - %msg%n"/>
    </Console>
  </Appenders>
  <Loggers>
    <Logger name="org.apache.pulsar" level="info"/>
    <!-- one line per topic on every namespace policy change: thousands per test run -->
    <Logger name="org.apache.pulsar.broker.service.persistent.PersistentTopic" level="warn"/>
    <Logger name="org.apache.bookkeeper" level="warn"/>
    <Logger name="org.apache.zookeeper" level="warn"/>
    <Root level="warn"><AppenderRef ref="Console"/></Root>
  </Loggers>
</Configuration>
EOF
}

start() {
  command -v curl >/dev/null || die "curl not found: install it (apt-get install curl)"
  if answering; then
    if wait_writable 60; then
      say "already running ($ADMIN_URL answers)"
      return 0
    fi
    die "a broker answers on $ADMIN_URL but cannot create topics (bookie read-only or down?); stop it (scripts/pulsar.sh stop) and start again"
  fi
  fetch
  mkdir -p "$RUN_DIR"
  check_disk
  local pid
  if pid="$(running_pid)"; then
    say "process $pid is starting; waiting for it"
  else
    write_conf
    if [[ "${INFGEN_PULSAR_KEEP_DATA:-0}" != 1 && -d "$RUN_DIR/data" ]]; then
      say "starting on an empty data directory (INFGEN_PULSAR_KEEP_DATA=1 keeps it)"
      rm -rf "$RUN_DIR/data"
    fi
    [[ -f "$LOG" ]] && mv -f "$LOG" "$LOG.1"
    local cp
    if [[ -x "$DIST_DIR/dist/bin/pulsar" ]]; then
      cp="$RUN_DIR/conf:$DIST_DIR/dist/lib/*"
    else
      cp="$RUN_DIR/conf:$DIST_DIR/lib/*"
    fi
    (
      cd "$RUN_DIR"
      exec setsid java -cp "$cp" \
        -Xms256m -Xmx"$HEAP" -XX:MaxDirectMemorySize=512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
        -XX:+ExitOnOutOfMemoryError \
        -Dlog4j.configurationFile=log4j2.xml -Dlog4j2.is.webapp=false -Dlog4j.shutdownHookEnabled=false \
        -Djute.maxbuffer=10485760 -Djava.net.preferIPv4Stack=true \
        -Dio.netty.tryReflectionSetAccessible=true \
        --add-opens java.base/java.io=ALL-UNNAMED --add-opens java.base/java.util.zip=ALL-UNNAMED \
        --add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/jdk.internal.misc=ALL-UNNAMED \
        --add-opens java.base/sun.net=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED \
        -Dzookeeper.4lw.commands.whitelist='*' -Dzookeeper.snapshot.trust.empty=true \
        -Dbookkeeper.metadata.bookie.drivers=org.apache.pulsar.metadata.bookkeeper.PulsarMetadataBookieDriver \
        -Dbookkeeper.metadata.client.drivers=org.apache.pulsar.metadata.bookkeeper.PulsarMetadataClientDriver \
        -Dpulsar.log.dir="$RUN_DIR" \
        org.apache.pulsar.PulsarStandaloneStarter --config "$RUN_DIR/conf/standalone.conf" \
        --no-functions-worker --no-stream-storage
    ) </dev/null >>"$LOG" 2>&1 &
    pid=$!
    echo "$pid" >"$PID_FILE"
    say "started pid $pid (log: $LOG); waiting up to ${TIMEOUT}s for $ADMIN_URL"
  fi
  local deadline=$((SECONDS + TIMEOUT))
  while ((SECONDS < deadline)); do
    if ready; then
      say "ready: $BROKER_URL, admin $ADMIN_URL"
      return 0
    fi
    if ! alive "$pid"; then
      show_log_tail
      die "the broker (pid $pid) exited before answering on $ADMIN_URL"
    fi
    sleep 1
  done
  show_log_tail
  die "the broker (pid $pid) did not take writes (create a topic in public/default through $ADMIN_URL) within ${TIMEOUT}s (raise INFGEN_PULSAR_START_TIMEOUT?)"
}

# wait_writable waits up to $1 seconds for a running broker to take writes.
wait_writable() {
  local deadline=$((SECONDS + $1))
  while ((SECONDS < deadline)); do
    writable && return 0
    sleep 1
  done
  return 1
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    say "not running (no live pid in $PID_FILE)"
    return 0
  fi
  kill "$pid"
  for _ in $(seq 1 30); do
    alive "$pid" || { rm -f "$PID_FILE"; say "stopped pid $pid"; return 0; }
    sleep 1
  done
  say "pid $pid did not stop within 30s; killing it"
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$PID_FILE"
}

status() {
  if ready; then
    echo "running: $BROKER_URL, admin $ADMIN_URL"
    return 0
  fi
  if answering; then
    echo "unhealthy: $ADMIN_URL answers but a topic cannot be created (see scripts/pulsar.sh logs)"
    return 1
  fi
  local pid
  if pid="$(running_pid)"; then
    echo "starting or unhealthy: pid $pid, $ADMIN_URL does not answer yet"
  else
    echo "not running"
  fi
  return 1
}

case "${1:-}" in
start) start ;;
stop) stop ;;
status) status ;;
env) echo "export INFGEN_PULSAR_URL=$BROKER_URL INFGEN_PULSAR_ADMIN_URL=$ADMIN_URL" ;;
logs) tail -n "${2:-100}" "$LOG" ;;
*)
  echo "usage: $0 start|stop|status|env|logs [lines]" >&2
  exit 2
  ;;
esac

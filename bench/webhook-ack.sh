#!/usr/bin/env bash
# Webhook acknowledgement benchmark: starts the service on free ports with a fresh H2 file, signature
# checks on and Jira in dry-run, drives POST /webhooks/pagerduty with bench/WebhookAckBench.java,
# prints latency and throughput, the service's memory and GC, and what it logged at WARN/ERROR.
#
#   bash bench/webhook-ack.sh
#
# Tunables (environment): BENCH_WARMUP (2000), BENCH_RUNS ("1:10000,8:20000,32:20000"),
# BENCH_DUPLICATES ("8:10000"), BENCH_XMX (512m), BENCH_SAMPLES (recorded bodies),
# BENCH_REBUILD=1 to rebuild the jar even if it exists, BENCH_SERVICE_OPTS for extra service JVM
# options (e.g. "-Doutbox.poll-interval=3600000" to measure intake with background drafting paused).
set -euo pipefail

cd "$(dirname "$0")/.."   # the service reads routes/ and config/ from its working directory
repo=$PWD
samples=${BENCH_SAMPLES:-$repo/../shared/refdata/webhook-samples/pagerduty-v3/zulip}
secret="bench-secret-$RANDOM$RANDOM"
xmx=${BENCH_XMX:-512m}

if [[ ! -f target/postmortem-bridge.jar || ${BENCH_REBUILD:-0} == 1 ]]; then
  echo "building target/postmortem-bridge.jar"
  mvn -q -B -DskipTests package
elif [[ -n $(find src/main pom.xml -newer target/postmortem-bridge.jar -print -quit) ]]; then
  # routes/ and config/ are read from disk, the beans they name come from the jar: an old jar can
  # fail to start or measure old code
  echo "warning: src/main or pom.xml is newer than target/postmortem-bridge.jar; BENCH_REBUILD=1 rebuilds it"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/webhook-ack.XXXXXX")
# A private copy of the jar: a concurrent `mvn package` must not swap classes under a running bench.
cp target/postmortem-bridge.jar "$work/service.jar"

# A port nobody listens on now (connecting fails). Racy in theory; a lost race is caught below.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}
port=$(free_port)
mgmt=$(free_port)
while [[ $mgmt == "$port" ]]; do mgmt=$(free_port); done

pid=
stop_service() {
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"                                   # SIGTERM: Camel shuts down gracefully
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    wait "$pid" 2>/dev/null || true
    # What the background drafting got through while webhooks kept arriving: the outbox runs on
    # one thread, so a bench that resolves thousands of incidents leaves a backlog behind.
    echo "outbox at stop (kind, status, tasks):"
    java -cp "$work/service.jar" org.h2.tools.Shell -url "jdbc:h2:file:$work/incident-log" -user sa \
      -sql "SELECT kind, status, COUNT(*) FROM outbox GROUP BY kind, status ORDER BY kind, status" 2>&1 \
      | grep -vE '^\([0-9]+ rows?,' | sed 's/^/  /' || true
    echo "database file: $(du -m "$work/incident-log.mv.db" | cut -f1) MiB"
  fi
  # keep the logs, drop the bulky parts
  rm -f "$work/service.jar" "$work"/incident-log.*.db
  rm -rf "$work/drafts"
  echo "service log and GC log kept in $work"
}
trap stop_service EXIT

# Camel Main ignores CAMEL_SERVER_PORT / CAMEL_MANAGEMENT_PORT (checked with 4.18.0: it still bound
# 8080 and 9876), so the ports go in as system properties, which do override the properties file.
# JIRA_BASE_URL stays unset: dry-run, no outbound calls; its drafts go to the work area, not ./data.
env -u JIRA_BASE_URL -u PAGERDUTY_API_TOKEN \
  DATABASE_URL="jdbc:h2:file:$work/incident-log" \
  PAGERDUTY_WEBHOOK_SECRET="$secret" \
  java -Xmx"$xmx" -Xlog:gc:file="$work/gc.log" \
    -Dcamel.server.port="$port" -Dcamel.management.port="$mgmt" \
    -Dpostmortem.dry-run-directory="$work/drafts" ${BENCH_SERVICE_OPTS:-} `# unquoted: several options` \
    -jar "$work/service.jar" >"$work/service.log" 2>&1 &
pid=$!

ready="http://127.0.0.1:$mgmt/observe/health/ready"
for i in $(seq 120); do
  kill -0 "$pid" 2>/dev/null || { echo "service exited during start-up:"; tail -n 30 "$work/service.log"; exit 1; }
  # a taken port makes the service exit at start (caught above), so ready means ready on our ports
  if curl -fsS -o /dev/null "$ready" 2>/dev/null; then
    break
  fi
  [[ $i == 120 ]] && { echo "not ready after 60 s"; tail -n 30 "$work/service.log"; exit 1; }
  sleep 0.5
done

echo "== webhook-ack bench $(date -u +%FT%TZ)"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' (working tree has changes)')"
echo "machine: $(nproc) cpu(s), $(free -g | awk '/^Mem:/ {print $2 " GiB RAM"}'), $(java -version 2>&1 | head -n 1)"
echo "jar: target/postmortem-bridge.jar built $(date -u -r target/postmortem-bridge.jar +%FT%TZ)"
# Client and service share the machine with whatever else runs: a high load average here means noise.
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "service: pid $pid, -Xmx$xmx${BENCH_SERVICE_OPTS:+ $BENCH_SERVICE_OPTS}, http :$port, management :$mgmt, work area $work"
echo "command: bash bench/webhook-ack.sh (BENCH_WARMUP=${BENCH_WARMUP:-2000} BENCH_RUNS=${BENCH_RUNS:-1:10000,8:20000,32:20000} BENCH_DUPLICATES=${BENCH_DUPLICATES:-8:10000})"

status=0
java bench/WebhookAckBench.java \
  --url "http://127.0.0.1:$port/webhooks/pagerduty" --secret "$secret" --samples "$samples" \
  --warmup "${BENCH_WARMUP:-2000}" --runs "${BENCH_RUNS:-1:10000,8:20000,32:20000}" \
  --duplicates "${BENCH_DUPLICATES:-8:10000}" || status=$?

echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "service memory: $(awk '/^VmRSS|^VmHWM/ {printf "%s %d MiB  ", $1, $2/1024}' "/proc/$pid/status")(-Xmx$xmx)"
echo "service CPU time: $(ps -o time= -p "$pid" | tr -d ' ')"
echo "GC: $(grep -c 'Pause' "$work/gc.log" || true) pauses, $(grep 'Pause' "$work/gc.log" | grep -o '[0-9.]*ms$' \
  | awk '{ v = $1 + 0; s += v; if (v > m) m = v } END { printf "%.0f ms in total, longest %.1f ms", s, m }')"
echo "drafts written by the outbox so far (dry-run): $(find "$work/drafts" -type f 2>/dev/null | wc -l)"
echo "service log: $(grep -c ' ERROR ' "$work/service.log" || true) ERROR, $(grep -c ' WARN ' "$work/service.log" || true) WARN lines; distinct:"
grep -E ' (ERROR|WARN) ' "$work/service.log" | cut -d' ' -f2- | sed -E 's/ \[[^]]*\]//; s/\b[0-9]+\b/N/g' | sort | uniq -c | sort -rn | head -n 15 || true
exit "$status"

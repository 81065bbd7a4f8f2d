#!/usr/bin/env bash
# Open-loop webhook benchmark: POST /webhooks/pagerduty at fixed arrival rates, against a bare Camel
# baseline and the service on H2 and on PostgreSQL, all in one run so the ratios service/baseline
# hold on whatever machine runs it. Also times start to ready and, for the service, resolved webhook
# to dry-run draft. See bench/README.md for what every figure means.
#
#   bash bench/webhook-load.sh
#
# Tunables (environment):
#   BENCH_TARGETS        "baseline service-h2 service-pg"  which targets, in this order
#   BENCH_RATES          "200,500,1000"   requests per second, one measured run each
#   BENCH_SECONDS        20               seconds per measured run
#   BENCH_WARMUP         "200:10,500:10"  rate:seconds phases before the measured runs, shown as a cold
#                                         start but not part of the result ("0:0": none)
#   BENCH_XMX            96m              -Xmx of the service (and of the baseline): keeps the service's
#                                         RSS under 300 MB at 1000/s with BENCH_JVM_OPTS (bench/README.md)
#   BENCH_JVM_OPTS       "-XX:+UseSerialGC -XX:TrimNativeHeapInterval=5000"   GC and memory options of
#                                         both the service and the baseline ("" for the JVM's defaults)
#   BENCH_SERVICE_OPTS   ""               extra JVM options for the service only, e.g. "-Doutbox.poll-interval=200"
#   BENCH_DRAFT_RATE     5                incidents per second in the resolved -> draft runs
#   BENCH_DRAFT_SECONDS  30               seconds per resolved -> draft run
#   BENCH_DRAFT_BACKGROUND "0,200"        other webhooks per second during the resolved -> draft runs,
#                                         one run each; "" skips the draft runs
#   BENCH_SAMPLES        ../shared/refdata/webhook-samples/pagerduty-v3/zulip   recorded bodies
#   BENCH_PG             jdbc:postgresql://127.0.0.1:5432/test   PostgreSQL for service-pg (user postgres,
#                                         trust auth); the run gets a fresh schema, dropped at the end
#   BENCH_REBUILD=1      rebuild target/postmortem-bridge.jar even if it exists
#   BENCH_FAIL_ON_ERRORS=1  exit 1 when any request failed (default: errors are reported, exit 0)
set -euo pipefail

cd "$(dirname "$0")/.."   # the service reads routes/ and config/ from its working directory
repo=$PWD
targets=${BENCH_TARGETS:-baseline service-h2 service-pg}
rates=${BENCH_RATES:-200,500,1000}
seconds=${BENCH_SECONDS:-20}
warmup=${BENCH_WARMUP:-200:10,500:10}
xmx=${BENCH_XMX:-96m}
jvm_opts=${BENCH_JVM_OPTS--XX:+UseSerialGC -XX:TrimNativeHeapInterval=5000}
draft_rate=${BENCH_DRAFT_RATE:-5}
draft_seconds=${BENCH_DRAFT_SECONDS:-30}
draft_background=${BENCH_DRAFT_BACKGROUND-0,200}
samples=${BENCH_SAMPLES:-$repo/../shared/refdata/webhook-samples/pagerduty-v3/zulip}
pg_base=${BENCH_PG:-jdbc:postgresql://127.0.0.1:5432/test}
secret="bench-secret-$RANDOM$RANDOM"
clock_ticks=$(getconf CLK_TCK)

if [[ ! -f target/postmortem-bridge.jar || ${BENCH_REBUILD:-0} == 1 ]]; then
  echo "building target/postmortem-bridge.jar"
  mvn -q -B -DskipTests package
elif [[ -n $(find src/main pom.xml -newer target/postmortem-bridge.jar -print -quit) ]]; then
  # routes/ and config/ are read from disk, the beans they name come from the jar: an old jar can
  # fail to start or measure old code
  echo "warning: src/main or pom.xml is newer than target/postmortem-bridge.jar; BENCH_REBUILD=1 rebuilds it"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/webhook-load.XXXXXX")
results=$work/results.txt   # RESULT lines of the script (start to ready); the client's are in client.log
# A private copy of the jar: a concurrent `mvn package` must not swap classes under a running bench.
cp target/postmortem-bridge.jar "$work/service.jar"
# The baseline is compiled ahead, so its start-to-ready is Camel's start, not the source launcher's
# compilation (bench/BareBaseline.java also runs as it is with `java -cp <jar> bench/BareBaseline.java`).
mkdir -p "$work/classes"
javac -nowarn -cp "$work/service.jar" -d "$work/classes" bench/BareBaseline.java
# The client too, so that editing it during a run changes nothing: it runs from this copy, with the
# source launcher.
cp bench/WebhookLoad.java "$work/WebhookLoad.java"

# A port nobody listens on now (connecting fails), below the kernel's ephemeral range: thousands of
# client connections (a collapse at 1000/s) hold ephemeral ports, and the service refuses to start on
# a port a connection holds. Racy in theory; a lost race makes the target exit at start (reported).
ephemeral_low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
free_port() {
  local port
  while :; do
    port=$((10000 + RANDOM % (ephemeral_low - 10000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}

psql_test() { psql -h 127.0.0.1 -U postgres -d test -v ON_ERROR_STOP=1 -qAt "$@"; }

if [[ " $targets " == *" service-pg "* ]] && ! psql_test -c "SELECT 1" >/dev/null; then
  echo "service-pg needs PostgreSQL at ${pg_base#jdbc:} (user postgres, trust auth); or leave it out of BENCH_TARGETS"
  exit 1
fi

pid=
target=
schema=
# SIGTERM (Camel shuts down gracefully), SIGKILL after 30 s.
stop_target() {
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "[$target] did not stop within 30 s of SIGTERM: killed"
      kill -9 "$pid"
    fi
    wait "$pid" 2>/dev/null || true
  fi
  pid=
}

drop_schema() {
  if [[ -n $schema ]]; then
    psql_test -c "DROP SCHEMA $schema CASCADE" >/dev/null 2>&1 || echo "could not drop schema $schema: drop it by hand"
    schema=
  fi
}

cleanup() {
  stop_target
  drop_schema
  rm -f "$work/service.jar"
  rm -rf "$work"/*/incident-log.*.db "$work"/*/drafts
  echo "logs kept in $work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts $1 on free ports with a fresh database; sets pid, port, mgmt; records start to ready.
start_target() {
  target=$1
  local dir=$work/$target
  mkdir -p "$dir"
  port=$(free_port)
  mgmt=$(free_port)
  while [[ $mgmt == "$port" ]]; do mgmt=$(free_port); done
  local jvm=(-Xmx"$xmx" $jvm_opts -Xlog:gc:file="$dir/gc.log")   # unquoted: several options
  local db_url db_user=sa
  case $target in
    baseline)
      local started=$(date +%s%N)
      (cd "$dir" && exec java "${jvm[@]}" -cp "$work/service.jar:$work/classes" BareBaseline \
        --port "$port" --management-port "$mgmt") >"$dir/service.log" 2>&1 &
      pid=$!
      wait_ready "$started" "$dir"
      return ;;
    service-h2)
      db_url="jdbc:h2:file:$dir/incident-log" ;;
    service-pg)
      schema="bench_load_$(date +%s)_$RANDOM"
      psql_test -c "CREATE SCHEMA $schema" >/dev/null
      db_url="$pg_base?user=postgres&currentSchema=$schema"
      db_user=postgres ;;
    *)
      echo "unknown target $target (baseline, service-h2, service-pg)"; exit 1 ;;
  esac
  # Camel Main ignores CAMEL_SERVER_PORT / CAMEL_MANAGEMENT_PORT (checked with 4.18.0), so the ports
  # go in as system properties. No JIRA_BASE_URL: dry-run, drafts go to the target's directory.
  local started=$(date +%s%N)
  env -u JIRA_BASE_URL -u PAGERDUTY_API_TOKEN \
    DATABASE_URL="$db_url" DATABASE_USER="$db_user" PAGERDUTY_WEBHOOK_SECRET="$secret" \
    java "${jvm[@]}" -Dcamel.server.port="$port" -Dcamel.management.port="$mgmt" \
      -Dpostmortem.dry-run-directory="$dir/drafts" ${BENCH_SERVICE_OPTS:-} `# unquoted: several options` \
      -jar "$work/service.jar" >"$dir/service.log" 2>&1 &
  pid=$!
  wait_ready "$started" "$dir"
}

# Process start (as the script launched it) to GET /observe/health/ready = 200, polled every 50 ms.
wait_ready() {
  local started=$1 dir=$2
  local ready="http://127.0.0.1:$mgmt/observe/health/ready"
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "[$target] exited during start-up:"; tail -n 30 "$dir/service.log"; exit 1
    fi
    if curl -fsS -o /dev/null "$ready" 2>/dev/null; then break; fi
    if (( $(date +%s%N) - started > 60000000000 )); then
      echo "[$target] not ready after 60 s"; tail -n 30 "$dir/service.log"; exit 1
    fi
    sleep 0.05
  done
  local ms=$(( ($(date +%s%N) - started) / 1000000 ))
  echo "[$target] pid $pid, http :$port, management :$mgmt, ready $ms ms after start"
  echo "RESULT kind=start target=$target ready_ms=$ms" >>"$results"
}

# The load client: everything goes to client.log, all but its RESULT lines to the terminal too.
client() {
  java "$work/WebhookLoad.java" "$@" --url "http://127.0.0.1:$port/webhooks/pagerduty" --secret "$secret" \
    --samples "$samples" --pid "$pid" --target "$target" --clock-ticks "$clock_ticks" \
    | tee -a "$work/client.log" | grep -v '^RESULT'
}

# The incident log at stop: deliveries stored against deliveries the client saw answered 2xx (more
# stored than answered: the service stored webhooks after the client had given up on them, which
# PagerDuty would deliver again), and what the outbox still had to do.
incident_log_state() {
  local answered stored
  answered=$(grep "^RESULT .*target=$target " "$work/client.log" | grep -o ' ok=[0-9]*' | cut -d= -f2 | awk '{ n += $1 } END { print n + 0 }')
  local deliveries="SELECT COUNT(*) FROM inbox"
  local unread="SELECT COUNT(*) FROM inbox WHERE status <> 'done'"
  local outbox="SELECT kind, status, COUNT(*) FROM outbox GROUP BY kind, status ORDER BY kind, status"
  case $target in
    service-h2)
      local h2=(java -cp "$work/service.jar" org.h2.tools.Shell -url "jdbc:h2:file:$work/$target/incident-log" -user sa)
      stored=$("${h2[@]}" -sql "$deliveries" 2>&1 | sed -n 2p | tr -dc 0-9)
      echo "[$target] webhook deliveries stored: $stored; answered 2xx to the client: $answered;" \
        "not yet read into the incident log: $("${h2[@]}" -sql "$unread" 2>&1 | sed -n 2p | tr -dc 0-9)"
      echo "[$target] outbox at stop (kind | status | tasks):"
      "${h2[@]}" -sql "$outbox" 2>&1 | grep -vE '^\([0-9]+ rows?,' | sed 's/^/  /' || true ;;
    service-pg)
      stored=$(psql_test -c "SET search_path TO $schema; $deliveries")
      echo "[$target] webhook deliveries stored: $stored; answered 2xx to the client: $answered;" \
        "not yet read into the incident log: $(psql_test -c "SET search_path TO $schema; $unread")"
      echo "[$target] outbox at stop (kind | status | tasks):"
      psql_test -c "SET search_path TO $schema; $outbox" | sed 's/^/  /' || true ;;
  esac
}

# GC pauses (a long one shows in the latency) and distinct WARN/ERROR lines, numbers masked, counted:
# a bench run must not hide what the service said.
log_summary() {
  local gc=$work/$target/gc.log
  echo "[$target] GC: $(grep -c 'Pause' "$gc" || true) pauses ($(grep -c 'Pause Full' "$gc" || true) full), $(grep 'Pause' "$gc" \
    | grep -o '[0-9.]*ms$' | awk '{ v = $1 + 0; s += v; if (v > m) m = v } END { printf "%.0f ms in total, longest %.1f ms", s, m }')"
  local log=$work/$target/service.log
  echo "[$target] service log: $(grep -c ' ERROR ' "$log" || true) ERROR, $(grep -c ' WARN ' "$log" || true) WARN lines; distinct:"
  grep -E '^[0-9T:,-]+ (ERROR|WARN) ' "$log" | cut -d' ' -f2- | sed -E 's/ \[[^]]*\]//; s/\b[0-9]+\b/N/g' \
    | sort | uniq -c | sort -rn | head -n 15 || true
}

echo "== webhook-load bench $(date -u +%FT%TZ)"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' (working tree has changes)')"
echo "machine: $(nproc) cpu(s), $(free -g | awk '/^Mem:/ {print $2 " GiB RAM"}'), $(java -version 2>&1 | head -n 1)"
echo "jar: target/postmortem-bridge.jar built $(date -u -r target/postmortem-bridge.jar +%FT%TZ)"
# Client and targets share the machine with whatever else runs: a high load average means noise.
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "settings: BENCH_TARGETS=\"$targets\" BENCH_RATES=$rates BENCH_SECONDS=$seconds BENCH_WARMUP=$warmup BENCH_XMX=$xmx" \
  "BENCH_JVM_OPTS=\"$jvm_opts\"" \
  "BENCH_DRAFT_RATE=$draft_rate BENCH_DRAFT_SECONDS=$draft_seconds BENCH_DRAFT_BACKGROUND=\"$draft_background\"" \
  "${BENCH_SERVICE_OPTS:+BENCH_SERVICE_OPTS=\"$BENCH_SERVICE_OPTS\"}"
echo "work area: $work"
began=$SECONDS

for t in $targets; do
  echo
  echo "==== $t"
  start_target "$t"
  signature_check=()
  [[ $t == baseline ]] || signature_check=(--check-signature)   # the baseline checks no signature
  client intake "${signature_check[@]}" --warmup "$warmup" --rates "$rates" --seconds "$seconds"
  if [[ $t != baseline && -n $draft_background ]]; then
    echo
    client drafts --drafts-dir "$work/$t/drafts" --incidents-per-second "$draft_rate" \
      --seconds "$draft_seconds" --background-rates "$draft_background"
  fi
  stop_target
  [[ $t == baseline ]] || incident_log_state
  log_summary
  drop_schema
done

echo
echo "==== summary ($(date -u +%FT%TZ), $((SECONDS - began)) s, load average after: $(cut -d' ' -f1-3 /proc/loadavg))"
# One table; ratios against the baseline at the same rate, measured in this same run.
awk '
  function parse(   i, kv) { delete r; for (i = 2; i <= NF; i++) { split($i, kv, "="); r[kv[1]] = kv[2] } }
  # a CPU figure of a service still busy at the settle cap is a lower bound, written ">=N"
  function num(v) { sub(/^>=/, "", v); return v + 0 }
  function shown(v) { sub(/^>=/, "≥", v); return v }
  function ratio(a, b) {
    if (a == "" || b == "" || a == "-" || b == "-" || num(b) == 0) return "-"
    return (a ~ /^>=/ ? "≥" : "") sprintf("%.1f×", num(a) / num(b))
  }
  { parse() }
  r["kind"] == "start" { started[++s] = r["target"] " " r["ready_ms"] " ms" }
  r["kind"] == "intake" {
    n++; line[n] = $0
    if (r["target"] == "baseline") { base_p99[r["run"] r["rate"]] = r["p99"]; base_cpu[r["run"] r["rate"]] = r["cpu_us"] }
  }
  r["kind"] == "drafts" { d++; drafts[d] = $0 }
  END {
    print "| target | rate/s | achieved/s | p50 ms | p99 ms | p99.9 ms | max ms | errors (timeouts) | client lag max ms | client CPU µs/req | CPU µs/webhook | RSS / peak MiB | p99 ÷ baseline | CPU ÷ baseline | load before |"
    print "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    for (i = 1; i <= n; i++) {
      $0 = line[i]; parse()
      printf "| %s | %s | %s | %s | %s | %s | %s | %s (%s) | %s | %s | %s | %s / %s | %s | %s | %s |\n",
        r["target"], r["rate"] (r["run"] == "warmup" ? " (warm-up, cold)" : ""), r["achieved"], r["p50"], r["p99"], r["p999"], r["max"], r["errors"], r["timeouts"],
        r["lag_max"], r["client_cpu_us"], shown(r["cpu_us"]), r["rss_mib"], r["hwm_mib"],
        (r["target"] == "baseline" ? "1×" : ratio(r["p99"], base_p99[r["run"] r["rate"]])),
        (r["target"] == "baseline" ? "1×" : ratio(r["cpu_us"], base_cpu[r["run"] r["rate"]])), r["load_before"]
    }
    print ""
    printf "start to ready:"; for (i = 1; i <= s; i++) printf "%s %s", (i > 1 ? ";" : ""), started[i]; print ""
    if (d > 0) {
      print ""
      print "| target | resolved → draft | incidents | drafted | p50 ms | p99 ms | max ms | webhook errors | load before |"
      print "|---|---|---:|---:|---:|---:|---:|---:|---|"
      for (i = 1; i <= d; i++) {
        $0 = drafts[i]; parse()
        printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", r["target"],
          (r["background"] > 0 ? "with " r["background"] " other webhooks/s" : "alone"), r["incidents"], r["drafted"],
          r["p50"], r["p99"], r["max"], r["errors"] + (r["bg_errors"] == "" ? 0 : r["bg_errors"]), r["load_before"]
      }
    }
  }' <(grep -h '^RESULT' "$results" "$work/client.log")

# the warm-up is a cold start, not a result: its errors do not fail the run
if [[ ${BENCH_FAIL_ON_ERRORS:-0} == 1 ]] && awk '/^RESULT kind=(intake|drafts)/ && !/ run=warmup / \
    && (/ errors=[1-9]/ || / missing=[1-9]/ || / bg_errors=[1-9]/) { bad = 1 } END { exit !bad }' "$work/client.log"; then
  echo "FAILED: some requests failed or drafts are missing (BENCH_FAIL_ON_ERRORS=1)"
  exit 1
fi

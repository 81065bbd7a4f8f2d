#!/usr/bin/env bash
# Action push benchmark: Jira calls and wall time to push 1, 3 and 50 agreed actions, against a Jira
# stand-in that answers every call in BENCH_JIRA_LATENCY ms (150) and checks each request against
# Jira's spec. The service runs in the bench's JVM on the real routes, with an H2 file of its own per
# run; owners are given as mentions (no look-up) and as display names (one look-up each).
#
#   bash bench/action-push.sh
#
# Tunables (environment): BENCH_JIRA_LATENCY (150), BENCH_RUNS (3 per size). Needs JDK 17, Maven and
# the reference data in ../shared/refdata (Jira's specs).
set -euo pipefail
cd "$(dirname "$0")/.."   # the service reads routes/ and config/ from its working directory

mvn -q -B -DskipTests test-compile
mvn -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
classpath="target/classes:target/test-classes:$(cat target/bench-classpath.txt)"

echo "== action push, $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
java -Xmx512m -cp "$classpath" -Dlatency="${BENCH_JIRA_LATENCY:-150}" -Druns="${BENCH_RUNS:-3}" \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dlog4j2.level=WARN \
  bench/ActionPushBench.java 2>&1 | grep -E '^\||^Jira stand-in|Exception|expected' 
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

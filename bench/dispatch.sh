#!/usr/bin/env bash
# Store-backed scheduling benchmark: the conductor's dispatch loop on a real SQLite store (claims under leases,
# transitions, events) with simulated agents of random durations on random DAGs of 1,000 tasks.
# Prints makespan / lower bound and the orchestration overhead per task (ms of store + scheduler work).
# Usage: bench/dispatch.sh [DAGS_PER_SHAPE=1] [TASKS=1000] [WORKERS=4,16]
set -euo pipefail
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/test-classpath.sh"
echo "<!-- $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) -->"
exec "$JAVA_HOME/bin/java" -Xms512m -Xmx512m -XX:+UseParallelGC --enable-native-access=ALL-UNNAMED \
  -cp "$BENCH_CLASSPATH" \
  dev.kleiber.conductor.DispatchBench "$@"

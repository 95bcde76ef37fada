#!/usr/bin/env bash
# Claim throughput, latency and fairness of `kleiber worker` processes on one PostgreSQL (embedded): N real worker
# JVMs claim from two runs (300 and 100 tasks) with simulated agents; one Markdown table row per N.
# Usage: bench/worker-claims.sh [WORKERS=1,4,16] [TASKS_BIG=300] [TASKS_SMALL=100] [AGENT_MS=20]
set -euo pipefail
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/test-classpath.sh"
echo "<!-- $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) -->"
exec "$JAVA_HOME/bin/java" -Xmx256m --enable-native-access=ALL-UNNAMED -cp "$BENCH_CLASSPATH" \
  dev.kleiber.store.WorkerClaimsBench "$@"

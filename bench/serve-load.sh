#!/usr/bin/env bash
# kleiber serve under load: req/s and p50/p99 of a read endpoint (token auth + store-backed rate limit + the status
# document per request), SSE delivery latency with 200 connected clients, and one rate-limit take on the store alone.
# postgresql: an embedded PostgreSQL, as the tests use it. SERVERS=2: blue and green on the one store, clients spread
# over both (what a blue-green switch runs).
# Usage: bench/serve-load.sh [sqlite|postgresql] [SECONDS=15] [READ_CLIENTS=16] [SSE_CLIENTS=200] [EVENTS=100] [SERVERS=1]
set -euo pipefail
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/test-classpath.sh"
echo "<!-- $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) -->"
exec "$JAVA_HOME/bin/java" -Xms512m -Xmx512m -XX:+UseParallelGC --enable-native-access=ALL-UNNAMED \
  -cp "$BENCH_CLASSPATH" \
  dev.kleiber.server.ServeBench "$@"

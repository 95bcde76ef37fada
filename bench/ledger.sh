#!/usr/bin/env bash
# Ledger writes per second on SQLite (a temp file, WAL, synchronous=FULL) and on PostgreSQL (embedded, loopback).
# One "ledger write" is a whole budgeted call: the reservation transaction and the settlement transaction.
# Usage: bench/ledger.sh [CALLS]   (default 2000; results also go to bench/out/ledger.txt)
set -euo pipefail
cd "$(dirname "$0")/.."
. .mvn/jdk.sh
kleiber_pick_jdk || exit 2
mkdir -p bench/out
./mvnw -o -q -B test-compile
./mvnw -o -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=bench/out/classpath.txt >/dev/null
cp="target/classes:target/test-classes:$(cat bench/out/classpath.txt)"
{
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  "$JAVA_HOME/bin/java" -cp "$cp" dev.kleiber.ledger.LedgerBench "${1:-2000}" 2>/dev/null
} | tee bench/out/ledger.txt

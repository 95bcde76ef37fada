#!/usr/bin/env bash
# Ledger writes per second on SQLite (a temp file, WAL, synchronous=FULL) and on PostgreSQL (embedded, loopback).
# One "ledger write" is a whole budgeted call: the reservation transaction and the settlement transaction.
# Usage: bench/ledger.sh [CALLS]   (default 2000; results also go to bench/out/ledger.txt)
set -euo pipefail
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/test-classpath.sh"
{
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  "$JAVA_HOME/bin/java" -cp "$BENCH_CLASSPATH" dev.kleiber.ledger.LedgerBench "${1:-2000}" 2>/dev/null
} | tee bench/out/ledger.txt

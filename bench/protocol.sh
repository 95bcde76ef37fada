#!/usr/bin/env bash
# Benchmarks the protocol package: parse+validate throughput (files/s) and the watcher's latency from a
# write to its event (p50/p99), with the WatchService and with the periodic rescan alone.
# Usage: bench/protocol.sh [seconds-per-throughput-run (5)] [files-per-latency-run (300)]
# Results are printed and kept in bench/out/protocol.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
. .mvn/jdk.sh
kleiber_pick_jdk || exit 2

# package compiles the test classes too (-DskipTests only skips running them) and copies runtime jars to target/lib.
./mvnw -q -B -DskipTests package
mkdir -p bench/out
"$JAVA_HOME/bin/java" -cp "target/kleiber.jar:target/test-classes:target/lib/*" \
  dev.kleiber.protocol.ProtocolBench "${1:-5}" "${2:-300}" bench/out/protocol-work | tee bench/out/protocol.txt

#!/usr/bin/env bash
# Benchmarks the protocol package: parse+validate throughput (files/s), in memory and from disk.
# Usage: bench/protocol.sh [seconds-per-throughput-run (5)]
# Results are printed and kept in bench/out/protocol.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
. .mvn/jdk.sh
kleiber_pick_jdk || exit 2

# package compiles the test classes too (-DskipTests only skips running them) and copies runtime jars to target/lib.
./mvnw -q -B -DskipTests package
mkdir -p bench/out
"$JAVA_HOME/bin/java" -cp "target/kleiber.jar:target/test-classes:target/lib/*" \
  dev.kleiber.protocol.ProtocolBench "${1:-5}" bench/out/protocol-work | tee bench/out/protocol.txt

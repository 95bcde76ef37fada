#!/usr/bin/env bash
# Benchmark: `kleiber route --json --input` on 10,000 task lines, wall time including JVM start.
# Lines are the labelled set's descriptions (with their role and hints) repeated to N lines with fresh ids.
# Usage: bench/route.sh [LINES] [RUNS]        Target (issue 2): under 2 s for 10,000 lines.
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-10000}
runs=${2:-5}
command -v jq >/dev/null || { echo "bench: needs jq" >&2; exit 2; }

out=bench/out
mkdir -p "$out"
input="$out/route-input.jsonl"
set_file=src/test/resources/routing/labelled-tasks.jsonl
jq -c '{description, agent, files, services, minutes, reversible} | with_entries(select(.value != null))' "$set_file" \
  > "$out/route-set.jsonl"
size=$(wc -l < "$out/route-set.jsonl")
awk -v n="$lines" -v size="$size" '{ row[NR] = $0 } END {
  for (i = 0; i < n; i++) { r = row[i % size + 1]; sub(/^\{/, "{\"id\":\"t" i "\",", r); print r } }' \
  "$out/route-set.jsonl" > "$input"

./kleiber --version >/dev/null   # builds the jar first if the sources changed, outside the timing
times=()
for run in $(seq "$runs"); do
  start=$(date +%s%N)
  ./kleiber route --json --input "$input" > "$out/route-output.jsonl"
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
  times+=("$ms")
  echo "run $run: ${ms} ms"
done
got=$(wc -l < "$out/route-output.jsonl")
[ "$got" -eq "$lines" ] || { echo "bench: expected $lines output lines, got $got" >&2; exit 1; }
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
echo "kleiber route --json --input: $lines lines, median of $runs runs: ${median} ms wall (JVM start included; target < 2000 ms)"

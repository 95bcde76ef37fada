#!/usr/bin/env bash
# Benchmark: `kleiber route --json --input` on 10,000 task lines, wall time including JVM start.
# Lines are the labelled set's descriptions (with their role and hints) repeated to N lines with fresh ids.
# Usage: bench/route.sh [LINES] [RUNS]        Target (issue 2): under 2 s for 10,000 lines.
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-10000}
runs=${2:-5}
command -v jq >/dev/null || { echo "bench: needs jq" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

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
# Wall time is what the target is about; CPU time (user + sys, all JVM threads) is printed beside it because
# on a shared machine the wall time mostly measures the other processes. The load average says how busy it was.
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
times=()
cpus=()
for run in $(seq "$runs"); do
  start=$(date +%s%N)
  /usr/bin/time -f "%U %S" -o "$out/route-time.txt" ./kleiber route --json --input "$input" > "$out/route-output.jsonl"
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
  cpu=$(awk '{ printf "%d", ($1 + $2) * 1000 }' "$out/route-time.txt")
  times+=("$ms")
  cpus+=("$cpu")
  echo "run $run: ${ms} ms wall, ${cpu} ms cpu"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
got=$(wc -l < "$out/route-output.jsonl")
[ "$got" -eq "$lines" ] || { echo "bench: expected $lines output lines, got $got" >&2; exit 1; }
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
echo "kleiber route --json --input: $lines lines, median of $runs runs: $(median "${times[@]}") ms wall," \
  "$(median "${cpus[@]}") ms cpu (JVM start included; target < 2000 ms wall)"

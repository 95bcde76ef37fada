#!/usr/bin/env bash
# What the command sandbox costs per run_command: wall time of N runs of `true`, bare, under the same
# bwrap flags CommandSandbox uses, and the empty-sandbox probe it runs once per CommandSandbox.
# Usage: bench/sandbox-overhead.sh [N]   (prints a table; results also go to bench/out/)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200}
command -v bwrap >/dev/null || { echo "bwrap is not installed (apt-get install bubblewrap)" >&2; exit 2; }
wt=$(mktemp -d)
trap 'rm -rf "$wt"' EXIT
mkdir -p "$wt/src/backend"

sandboxed=(bwrap --unshare-all --die-with-parent --new-session --ro-bind / / --proc /proc --dev /dev --tmpfs /tmp
  --ro-bind "$wt" "$wt" --bind "$wt/src/backend" "$wt/src/backend" --clearenv --setenv PATH /usr/bin:/bin
  --setenv HOME /tmp --chdir "$wt" -- bash -c true)
probe=(bwrap --unshare-all --die-with-parent --ro-bind / / --proc /proc --dev /dev -- true)

time_runs() {
  local start end
  start=$(date +%s%N)
  for ((i = 0; i < n; i++)); do "$@" >/dev/null 2>&1; done
  end=$(date +%s%N)
  echo $(( (end - start) / n / 1000 ))
}

bare=$(time_runs bash -c true)
boxed=$(time_runs "${sandboxed[@]}")
probed=$(time_runs "${probe[@]}")
mkdir -p bench/out
{
  echo "runs per case: $n   load: $(cut -d' ' -f1-3 /proc/loadavg)   $(bwrap --version)"
  printf '%-34s %8s\n' "case" "µs/run"
  printf '%-34s %8d\n' "bash -c true" "$bare"
  printf '%-34s %8d\n' "bwrap sandbox, bash -c true" "$boxed"
  printf '%-34s %8d\n' "bwrap probe (empty sandbox)" "$probed"
  printf "%-34s %8d\n" "run_command overhead (box - bare)" $((boxed - bare))
} | tee "bench/out/sandbox-overhead-$(date -u +%Y%m%dT%H%M%SZ).txt"

#!/usr/bin/env bash
# What the command sandbox costs per run_command: wall time of N runs of `true`, bare, under the old bwrap
# flags (before issue 12), under the hardened flags CommandSandbox uses now (SystemView: cap-drop ALL, uid 1000,
# no further user namespaces, allow-list filesystem, size-limited /tmp and /dev/shm, read-only root, rlimits set
# inside), the same plus the per-command cgroup (create, write limits, join, remove) when cgroup v1 pids and
# memory are writable, and the hardened probe SandboxProbe runs once per process.
# Then the same end to end through Kleiber's CommandSandbox (SandboxBench), where the cgroup steps are in-process.
# Usage: bench/sandbox-overhead.sh [N]   (prints a table; results also go to bench/out/)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200}
command -v bwrap >/dev/null || { echo "bwrap is not installed (apt-get install bubblewrap)" >&2; exit 2; }
wt=$(mktemp -d /var/tmp/kleiber-bench-XXXXXX)
trap 'rm -rf "$wt"' EXIT
mkdir -p "$wt/src/backend"

old=(bwrap --unshare-all --die-with-parent --new-session --ro-bind / / --proc /proc --dev /dev --tmpfs /tmp
  --ro-bind "$wt" "$wt" --bind "$wt/src/backend" "$wt/src/backend" --clearenv --setenv PATH /usr/bin:/bin
  --setenv HOME /tmp --chdir "$wt" -- bash -c true)

system=(--unshare-all --unshare-user --disable-userns --uid 1000 --gid 1000 --cap-drop ALL --die-with-parent
  --new-session --hostname sandbox --ro-bind /usr /usr)
for d in bin sbin lib lib32 lib64 libx32; do
  if [ -L "/$d" ]; then system+=(--symlink "$(readlink "/$d")" "/$d"); elif [ -d "/$d" ]; then system+=(--ro-bind "/$d" "/$d"); fi
done
system+=(--ro-bind /etc /etc)
for s in /etc/shadow /etc/shadow- /etc/gshadow /etc/gshadow- /etc/security/opasswd; do
  [ -e "$s" ] && system+=(--ro-bind /dev/null "$s")
done
system+=(--proc /proc --dev /dev --size 536870912 --tmpfs /dev/shm --remount-ro /dev --size 536870912 --tmpfs /tmp)
limits='ulimit -c 0 && ulimit -S -t 600 -f 1048576 && ulimit -H -t 601 -f 1048576 && exec bash -c "$1"'
hardened=(bwrap "${system[@]}" --ro-bind "$wt" "$wt" --bind "$wt/src/backend" "$wt/src/backend" --remount-ro /
  --clearenv --setenv PATH /usr/bin:/bin --setenv HOME /tmp --chdir "$wt" -- bash -c "$limits" kleiber-limits true)
probe=(bwrap "${system[@]}" --remount-ro / --clearenv --setenv PATH /usr/bin:/bin -- /bin/sh -c
  "[ \"\$(id -u)\" != 0 ] && grep -Eq '^CapEff:[[:space:]]*0+\$' /proc/self/status")

memory_parent=/sys/fs/cgroup/memory$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
pids_parent=/sys/fs/cgroup/pids$(sed -n 's/^[0-9]*:pids://p' /proc/self/cgroup)
with_cgroup() {
  local name=kleiber-bench-$$-$RANDOM
  mkdir "$pids_parent/$name" "$memory_parent/$name"
  echo 256 > "$pids_parent/$name/pids.max"
  echo $((2 << 30)) > "$memory_parent/$name/memory.limit_in_bytes"
  /bin/sh -c 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"' kleiber-cgroup \
    "$pids_parent/$name/cgroup.procs" "$memory_parent/$name/cgroup.procs" -- "${hardened[@]}"
  rmdir "$pids_parent/$name" "$memory_parent/$name" 2>/dev/null || { sleep 0.01; rmdir "$pids_parent/$name" "$memory_parent/$name"; }
}

time_runs() {
  local start end
  start=$(date +%s%N)
  for ((i = 0; i < n; i++)); do "$@" >/dev/null 2>&1; done
  end=$(date +%s%N)
  echo $(( (end - start) / n / 1000 ))
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
bare=$(time_runs bash -c true)
before=$(time_runs "${old[@]}")
boxed=$(time_runs "${hardened[@]}")
if [ -w "$pids_parent" ] && [ -w "$memory_parent" ]; then cgrouped=$(time_runs with_cgroup); else cgrouped=0; fi
probed=$(time_runs "${probe[@]}")
mkdir -p bench/out
{
  echo "runs per case: $n   load before: $load_before   after: $(cut -d' ' -f1-3 /proc/loadavg)   $(bwrap --version)   $(nproc) cores"
  printf '%-46s %8s\n' "case" "µs/run"
  printf '%-46s %8d\n' "bash -c true" "$bare"
  printf '%-46s %8d\n' "old bwrap flags (before issue 12)" "$before"
  printf '%-46s %8d\n' "hardened bwrap, rlimits" "$boxed"
  printf '%-46s %8d\n' "hardened bwrap + cgroup v1 (0 = not writable)" "$cgrouped"
  printf '%-46s %8d\n' "hardened probe (once per process)" "$probed"
  printf '%-46s %8d\n' "run_command overhead now (cgroup - bare)" $(( (cgrouped > 0 ? cgrouped : boxed) - bare ))
  printf '%-46s %8d\n' "hardening adds (now - old flags)" $(( (cgrouped > 0 ? cgrouped : boxed) - before ))
} | tee "bench/out/sandbox-overhead-$(date -u +%Y%m%dT%H%M%SZ).txt"
. bench/test-classpath.sh
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$BENCH_CLASSPATH" dev.kleiber.agent.SandboxBench \
  $(( n / 4 > 10 ? n / 4 : 10 )) 2> >(grep -v '^WARNING' >&2) | tee -a "$(ls -t bench/out/sandbox-overhead-*.txt | head -1)"

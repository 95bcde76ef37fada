#!/usr/bin/env bash
# Kleiber's whole per-task overhead on the real path: `kleiber run --plan` on a real git repository with a scripted
# model answering each task at once (write_file + complete_task): worktree, commit, validation (no commands),
# merge, protocol files, ledger. Prints wall time per task for each worker count.
# Usage: bench/real-path.sh [TASKS=40] [WORKERS=1,4]
set -euo pipefail
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/test-classpath.sh"
echo "<!-- $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(git --version) -->"
"$JAVA_HOME/bin/java" -Xmx512m --enable-native-access=ALL-UNNAMED -Dlogback.configurationFile=/dev/null \
  -cp "$BENCH_CLASSPATH" \
  dev.kleiber.conductor.RealPathBench "$@" 2> >(grep -v '^WARNING' >&2)

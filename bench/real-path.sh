#!/usr/bin/env bash
# Kleiber's whole per-task overhead on the real path: `kleiber run --plan` on a real git repository with a scripted
# model answering each task at once (write_file + complete_task): worktree, commit, validation (no commands),
# merge, protocol files, ledger. Prints wall time per task for each worker count, and the git processes per task
# (counted by the crash test's git wrapper, first on PATH, in its logging mode).
# Usage: bench/real-path.sh [TASKS=40] [WORKERS=1,4]
set -euo pipefail
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/test-classpath.sh"
wrap=$(mktemp -d)
trap 'rm -rf "$wrap"' EXIT
cp src/test/resources/dev/kleiber/conductor/crash-git.sh "$wrap/git"
chmod +x "$wrap/git"
printf "REAL_GIT='%s'\nLOG='%s'\n" "$(command -v git)" "$wrap/git.log" > "$wrap/crash.conf"
echo "<!-- $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(git --version) -->"
PATH="$wrap:$PATH" "$JAVA_HOME/bin/java" -Xmx512m --enable-native-access=ALL-UNNAMED -Dlogback.configurationFile=/dev/null \
  -Dbench.gitLog="$wrap/git.log" -cp "$BENCH_CLASSPATH" \
  dev.kleiber.conductor.RealPathBench "$@" 2> >(grep -v '^WARNING' >&2)

#!/usr/bin/env bash
# A `git` put first on a child's PATH by ConductorCrashTest (and bench/real-path.sh). Kleiber runs git with an
# environment of its own, so the settings come from crash.conf beside this file:
#   REAL_GIT=/usr/bin/git  the git to run
#   LOG=FILE               optional: one line per call, its sub-command (how many git processes a run starts)
#   KILL_SUB='merge'       optional: the sub-command (or 'sub arg', e.g. 'worktree add') that is a kill point
#   KILL_N=2               its N-th call kills
#   KILL_WHEN=after        'before' git runs (git never ran), or 'after' it ran (done, but Kleiber never heard)
# The kill is SIGKILL to the child's whole process group (the JVM and everything it started), and only when this
# process's group is the one the child JVM leads (its PID in jvm.pid): never the test's own JVM.
set -u
here=$(dirname "$(readlink -f "$0")")
. "$here/crash.conf"
args=("$@")
sub=""
next=""
i=0
while [ "$i" -lt "${#args[@]}" ]; do
  case "${args[$i]}" in
    -c|-C) i=$((i + 2)) ;;
    -*) i=$((i + 1)) ;;
    *) sub="${args[$i]}"; next="${args[$((i + 1))]:-}"; break ;;
  esac
done
if [ -n "${LOG:-}" ]; then
  printf '%s\n' "$sub" >> "$LOG"
fi
if [ -n "${KILL_SUB:-}" ] && { [ "$sub" = "$KILL_SUB" ] || [ "$sub $next" = "$KILL_SUB" ]; }; then
  n=$( { flock 9; c=$(( $(cat "$here/count" 2>/dev/null || echo 0) + 1 )); echo "$c" > "$here/count"; echo "$c"; } 9> "$here/lock" )
  if [ "$n" = "$KILL_N" ]; then
    leader=$(cat "$here/jvm.pid" 2>/dev/null || echo none)
    stat=$(cat /proc/$$/stat)
    read -ra fields <<< "${stat##*) }"
    group=${fields[2]}
    if [ "$group" != "$leader" ]; then
      echo "crash-git: not in the child's process group ($group, child $leader): no kill" >&2
      exec "$REAL_GIT" "$@"
    fi
    if [ "${KILL_WHEN:-before}" = after ]; then
      "$REAL_GIT" "$@" > /dev/null 2>&1
    fi
    echo "git $KILL_SUB #$n $KILL_WHEN" > "$here/killed"
    sync "$here/killed"
    kill -KILL -- "-$group"
    sleep 60
  fi
fi
exec "$REAL_GIT" "$@"

#!/usr/bin/env bash
# Scheduling benchmark: simulated agents of random durations on random DAGs of 1,000 tasks.
# Prints makespan / lower bound per shape, worker count and ranking, and the scheduler's cost per task.
# Usage: bench/schedule.sh [DAGS_PER_SHAPE=100] [TASKS=1000] [MEASURED_RUNS=2000]
set -euo pipefail
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/test-classpath.sh"
exec "$JAVA_HOME/bin/java" -Xms512m -Xmx512m -XX:+UseParallelGC \
  -cp "$BENCH_CLASSPATH" \
  dev.kleiber.plan.ScheduleBench "$@"

#!/usr/bin/env bash
# Scheduling benchmark: simulated agents of random durations on random DAGs of 1,000 tasks.
# Prints makespan / lower bound per shape, worker count and ranking, and the scheduler's cost per task.
# Usage: bench/schedule.sh [DAGS_PER_SHAPE=100] [TASKS=1000] [MEASURED_RUNS=2000]
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
. "$here/.mvn/jdk.sh"
kleiber_pick_jdk || exit 2
cd "$here"
mkdir -p bench/out
./mvnw -o -q -B test-compile dependency:build-classpath -Dmdep.outputFile=bench/out/classpath.txt -Dmdep.includeScope=test >/dev/null
exec "$JAVA_HOME/bin/java" -Xms512m -Xmx512m -XX:+UseParallelGC \
  -cp "target/test-classes:target/classes:$(cat bench/out/classpath.txt)" \
  dev.kleiber.plan.ScheduleBench "$@"

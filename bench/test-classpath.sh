# Sourced by the benchmarks that run test-scope code: picks the JDK, moves to the repository root, compiles
# the tests and leaves their class path in $BENCH_CLASSPATH.
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
. "$here/.mvn/jdk.sh"
kleiber_pick_jdk || exit 2
cd "$here"
mkdir -p bench/out
./mvnw -o -q -B test-compile dependency:build-classpath -Dmdep.outputFile=bench/out/classpath.txt -Dmdep.includeScope=test >/dev/null
BENCH_CLASSPATH="target/test-classes:target/classes:$(cat bench/out/classpath.txt)"

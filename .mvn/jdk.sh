# Sourced by ./kleiber, ./mvnw and .ci/run: exports JAVA_HOME pointing at a JDK >= 21.
# Order: $JAVA_HOME when it is new enough, else the newest JDK under /usr/lib/jvm.
kleiber_jdk_major() {
  local home=$1 v
  [ -x "$home/bin/java" ] || return 1
  if [ -f "$home/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")
  fi
  if [ -z "${v:-}" ]; then
    v=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
  fi
  [ -n "$v" ] && echo "$v"
}

kleiber_pick_jdk() {
  local best="" best_major=0 home major
  if [ -n "${JAVA_HOME:-}" ]; then
    major=$(kleiber_jdk_major "$JAVA_HOME") || major=0
    if [ "${major:-0}" -ge 21 ]; then return 0; fi
  fi
  for home in /usr/lib/jvm/*; do
    [ -d "$home" ] && [ ! -L "$home" ] || continue
    major=$(kleiber_jdk_major "$home") || continue
    if [ "$major" -gt "$best_major" ]; then best=$home; best_major=$major; fi
  done
  if [ "$best_major" -ge 21 ]; then
    export JAVA_HOME=$best
    return 0
  fi
  echo "kleiber: needs a JDK 21 or newer. Set JAVA_HOME to one, or install one under /usr/lib/jvm" >&2
  echo "         (for example: apt-get install -y openjdk-21-jdk-headless)." >&2
  return 1
}

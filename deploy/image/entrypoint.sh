#!/bin/bash
# The image's entrypoint: `serve [flags]`, `worker [flags]`, `healthcheck`, or any other kleiber command.
# Secrets arrive as environment variables (from a Kubernetes Secret or compose's env file), never as arguments:
#   ANTHROPIC_API_KEY   the API key (read by Kleiber itself; never printed)
#   KLEIBER_STORE       the store URL, postgresql://user:pass@host:5432/db (read by Kleiber itself)
#   KLEIBER_REMOTE      the project's git remote: the server clones it into /work/repo when that is empty; workers
#                       keep their own clone under /work/cache
set -euo pipefail

run() {
  # MaxRAMPercentage: the container's memory limit, not the node's, sizes the heap.
  exec java -XX:+UseSerialGC -XX:MaxRAMPercentage=70 --enable-native-access=ALL-UNNAMED ${KLEIBER_JAVA_OPTS:-} \
    -jar /opt/kleiber/kleiber.jar "$@"
}

repository() {
  local repo=/work/repo
  if [ ! -e "$repo/.git" ]; then
    if [ -z "${KLEIBER_REMOTE:-}" ]; then
      echo "kleiber: no repository at $repo and KLEIBER_REMOTE is not set; mount one or set the remote" >&2
      exit 2
    fi
    git clone --quiet -- "$KLEIBER_REMOTE" "$repo"
  fi
  cd "$repo"
  # The cluster's kleiber.yaml (a ConfigMap) applies to a repository that has none of its own; a repository's
  # committed settings win, because every worker reads them from the remote's main.
  local cluster=${KLEIBER_CONFIG:-/etc/kleiber/kleiber.yaml}
  if [ -f "$cluster" ] && [ ! -f .kleiber/kleiber.yaml ]; then
    mkdir -p .kleiber && cp "$cluster" .kleiber/kleiber.yaml
  elif [ -f "$cluster" ] && ! cmp -s "$cluster" .kleiber/kleiber.yaml; then
    echo "kleiber: $cluster differs from the repository's .kleiber/kleiber.yaml; the repository's is used" >&2
  fi
}

case "${1:-serve}" in
  healthcheck)
    port=${KLEIBER_HEALTH_PORT:-8420}
    exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
    printf 'GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
    IFS= read -r status <&3 || exit 1
    case "$status" in *" 200 "*) exit 0 ;; *) exit 1 ;; esac
    ;;
  serve)
    shift || true
    repository
    # A person's review of a remote run's task clones the remote under the cache (ADR 0134): on /work, which is
    # writable where the image's root file system is not.
    export XDG_CACHE_HOME="${XDG_CACHE_HOME:-/work/cache}"
    run serve --bind 0.0.0.0 --port "${KLEIBER_PORT:-8420}" "$@"
    ;;
  worker)
    shift
    # The worker keeps its own clone under /work/cache; the remote comes from KLEIBER_REMOTE.
    cd /work
    # The store and the remote come from $KLEIBER_STORE and $KLEIBER_REMOTE (never arguments: ps would show them).
    run worker --cache /work/cache --metrics-host 0.0.0.0 --metrics-port "${KLEIBER_METRICS_PORT:-9420}" "$@"
    ;;
  *)
    run "$@"
    ;;
esac

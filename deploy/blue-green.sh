#!/usr/bin/env bash
# Blue-green switch of Kleiber's server: deploy the idle colour, wait until it is ready, smoke-test it through the
# API, switch traffic to it, keep the old colour running for an instant rollback.
#
#   deploy/blue-green.sh deploy IMAGE     # idle colour gets IMAGE, is smoke-tested, then takes the traffic
#   deploy/blue-green.sh rollback         # traffic back to the previous colour (still running)
#   deploy/blue-green.sh retire           # scale the colour that no longer takes traffic to zero
#   deploy/blue-green.sh status
#
# Drivers (KLEIBER_BG_DRIVER):
#   kubectl (default): the Deployments kleiber-server-blue/-green and the Service `kleiber` of deploy/k8s;
#                      KLEIBER_NAMESPACE (default kleiber).
#   nginx:             one host; containers kleiber-server-blue/-green (docker), nginx in front with an upstream
#                      file KLEIBER_NGINX_UPSTREAM (an `upstream kleiber { server HOST:PORT; }` include) that this
#                      script rewrites and reloads gracefully. KLEIBER_BLUE_URL / KLEIBER_GREEN_URL address each
#                      colour directly; KLEIBER_BG_START (a command given the colour and image) starts a colour.
# The smoke test needs a read token: KLEIBER_SMOKE_TOKEN (create one with `kleiber token create --scope read`).
set -euo pipefail

driver=${KLEIBER_BG_DRIVER:-kubectl}
ns=${KLEIBER_NAMESPACE:-kleiber}
timeout=${KLEIBER_BG_TIMEOUT:-180}

die() { echo "blue-green: $*" >&2; exit "${2:-1}"; }
other() { [ "$1" = blue ] && echo green || echo blue; }

# ---- kubectl driver ----
k() { kubectl -n "$ns" "$@"; }
k_live() { k get service kleiber -o 'jsonpath={.spec.selector.kleiber\.dev/colour}'; }
k_previous() { k get service kleiber -o 'jsonpath={.metadata.annotations.kleiber\.dev/previous-colour}'; }
k_switch() {
  local to=$1 from=$2
  k patch service kleiber --type merge -p \
    "{\"metadata\":{\"annotations\":{\"kleiber.dev/previous-colour\":\"$from\"}},\"spec\":{\"selector\":{\"kleiber.dev/colour\":\"$to\"}}}" >/dev/null
}
k_start() {
  local colour=$1 image=$2 live=$3 replicas
  replicas=$(k get deployment "kleiber-server-$live" -o 'jsonpath={.spec.replicas}')
  [ "${replicas:-0}" -gt 0 ] || replicas=1
  k set image "deployment/kleiber-server-$colour" "kleiber=$image" >/dev/null
  k scale "deployment/kleiber-server-$colour" --replicas="$replicas" >/dev/null
  k rollout status "deployment/kleiber-server-$colour" --timeout="${timeout}s" >/dev/null \
    || die "$colour did not become ready in ${timeout}s; traffic stays on $live"
}
k_url() {
  # A port-forward to the colour's pods: the smoke test reaches them before the Service does.
  local colour=$1 port
  port=$(( 20000 + RANDOM % 20000 ))
  k port-forward "deployment/kleiber-server-$colour" "$port:8420" >/dev/null 2>&1 &
  forward=$!
  trap 'kill $forward 2>/dev/null || true' EXIT
  sleep 2
  echo "http://127.0.0.1:$port"
}
k_stop() { k scale "deployment/kleiber-server-$1" --replicas=0 >/dev/null; }

# ---- nginx driver ----
state_file() { echo "${KLEIBER_NGINX_UPSTREAM:?KLEIBER_NGINX_UPSTREAM is not set}.state"; }
n_live() { sed -n 's/^live=//p' "$(state_file)" 2>/dev/null || echo blue; }
n_previous() { sed -n 's/^previous=//p' "$(state_file)" 2>/dev/null; }
n_url() { local var="KLEIBER_$(echo "$1" | tr a-z A-Z)_URL"; echo "${!var:?$var is not set}"; }
n_switch() {
  local to=$1 from=$2 target
  target=$(n_url "$to" | sed -E 's#^https?://##; s#/.*$##')
  local tmp; tmp=$(mktemp "$KLEIBER_NGINX_UPSTREAM.XXXX")
  printf 'upstream kleiber {\n    server %s;\n    keepalive 16;\n}\n' "$target" >"$tmp"
  mv "$tmp" "$KLEIBER_NGINX_UPSTREAM"
  # reload: new workers take new connections, old ones finish what they serve — no request is dropped.
  ${KLEIBER_NGINX_RELOAD:-nginx -s reload}
  printf 'live=%s\nprevious=%s\n' "$to" "$from" >"$(state_file)"
}
n_start() { ${KLEIBER_BG_START:?KLEIBER_BG_START is not set} "$1" "$2"; }
n_stop() { ${KLEIBER_BG_STOP:?KLEIBER_BG_STOP is not set} "$1"; }

call() { local fn="${driver:0:1}_$1"; shift; "$fn" "$@"; }

smoke() {
  local url=$1 i status
  for i in $(seq 1 "$timeout"); do
    status=$(curl -s -o /dev/null -w '%{http_code}' "$url/readyz" || true)
    [ "$status" = 200 ] && break
    sleep 1
  done
  [ "$status" = 200 ] || die "smoke test: $url/readyz answered $status"
  [ -n "${KLEIBER_SMOKE_TOKEN:-}" ] || die "smoke test: KLEIBER_SMOKE_TOKEN is not set (a read token)" 2
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $KLEIBER_SMOKE_TOKEN" "$url/api/v1/runs")
  [ "$status" = 200 ] || die "smoke test: GET $url/api/v1/runs answered $status"
  status=$(curl -s -o /dev/null -w '%{http_code}' "$url/api/v1/runs")
  [ "$status" = 401 ] || die "smoke test: GET $url/api/v1/runs without a token answered $status, expected 401"
}

case "${1:-}" in
  deploy)
    image=${2:-}; [ -n "$image" ] || die "usage: blue-green.sh deploy IMAGE" 2
    live=$(call live); idle=$(other "$live")
    echo "blue-green: $live is live; deploying $image to $idle"
    call start "$idle" "$image" "$live"
    smoke "$(call url "$idle")"
    call switch "$idle" "$live"
    echo "blue-green: $idle is live; $live keeps running for 'blue-green.sh rollback' (then 'retire')"
    ;;
  rollback)
    live=$(call live); previous=$(call previous)
    [ -n "$previous" ] || die "nothing to roll back to: no previous colour recorded"
    smoke "$(call url "$previous")"
    call switch "$previous" "$live"
    echo "blue-green: rolled back; $previous is live again"
    ;;
  retire)
    live=$(call live); call stop "$(other "$live")"
    echo "blue-green: $(other "$live") scaled to zero; $live is live"
    ;;
  status)
    echo "live: $(call live)  previous: $(call previous)"
    ;;
  *)
    die "usage: blue-green.sh deploy IMAGE | rollback | retire | status" 2
    ;;
esac

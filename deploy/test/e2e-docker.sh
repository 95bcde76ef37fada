#!/usr/bin/env bash
# Kleiber end to end on Docker, without a registry:
#   1. the image from a debootstrapped base (deploy/image/build-local.sh) and PostgreSQL from Debian's package;
#   2. PostgreSQL and the server as containers on one network, the project's git remote a bare repository volume;
#   3. a scripted plan started through the API (the server replays Messages API answers from a script file, so no
#      API key is needed) runs to completion: every task merged on the remote's main;
#   4. two workers as containers register in the shared store (`kleiber workers` lists both live);
#   5. a blue-green switch of the server with nginx (Debian's) in front while a client polls the API: zero failed
#      requests, then a rollback, again with zero failed requests.
# Needs: a running Docker engine, debootstrap, nginx, curl, root. Usage: deploy/test/e2e-docker.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here"
work=$(mktemp -d /tmp/kleiber-e2e.XXXX)
net=kleiber-e2e
image=kleiber:local
say() { printf '%s e2e: %s\n' "$(date +%T)" "$*"; }
cleanup() {
  docker rm -f kl-pg kl-server-blue kl-server-green kl-w1 kl-w2 >/dev/null 2>&1 || true
  docker network rm "$net" >/dev/null 2>&1 || true
  [ -f "$work/nginx/nginx.pid" ] && kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
  [ -n "${poller:-}" ] && kill "$poller" 2>/dev/null || true
}
trap cleanup EXIT
cleanup

say "building $image and the PostgreSQL image"
deploy/image/build-local.sh "$image"
docker build -q -t kleiber-test-postgres:15 deploy/test/postgres >/dev/null
docker network create "$net" >/dev/null

say "the project: a Node package under Kleiber, pushed to a bare remote"
. .mvn/jdk.sh && kleiber_pick_jdk
jar="$JAVA_HOME/bin/java -jar $here/target/kleiber.jar"
project=$work/project
mkdir -p "$project/src/backend" && cd "$project"
git init -q -b main .
printf '{"name":"e2e","version":"1.0.0","type":"module","scripts":{"test":"node --test"}}\n' > package.json
printf 'export const version = 1;\n' > src/backend/version.js
$jar init >/dev/null
sed -i 's#commands: \[\]#commands: [{name: test, run: "node --test", timeout: 60}]#' .kleiber/kleiber.yaml
git add -A && git -c user.name=e2e -c user.email=e2e@kleiber.invalid commit -qm "a project under kleiber"
git clone -q --bare "$project" "$work/remote/project.git"
chown -R 10001:10001 "$work/remote"
cd "$here"

# what the scripted model answers, per task: write one file, then complete
script=$work/script.jsonl
: > "$script"
n=0
turn() { # key, tool name, input JSON
  n=$((n + 1))
  printf '{"key":"%s","response":{"id":"msg_%d","type":"message","role":"assistant","model":"claude-sonnet-5-5","content":[{"type":"tool_use","id":"toolu_%d","name":"%s","input":%s}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":1200,"output_tokens":300,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}}\n' \
    "$1" "$n" "$n" "$2" "$3" >> "$script"
}
for t in greet-a greet-b greet-c; do
  turn "$t" write_file "{\"path\":\"src/backend/$t.js\",\"content\":\"export const $(echo $t | tr - _) = () => '$t';\\n\"}"
  turn "$t" complete_task "{\"summary\":\"Added $t.\",\"decisions\":[]}"
done
chmod 644 "$script"
plan=$(cat <<'YAML'
tasks:
  - {id: greet-a, title: Greet A, agent: engineer-backend, description: Add src/backend/greet-a.js., acceptance: [it exports a greeting], priority: p1}
  - {id: greet-b, title: Greet B, agent: engineer-backend, description: Add src/backend/greet-b.js., acceptance: [it exports a greeting], priority: p1}
  - {id: greet-c, title: Greet C, agent: engineer-backend, description: Add src/backend/greet-c.js., acceptance: [it exports a greeting], depends_on: [greet-a], priority: p2}
YAML
)

say "PostgreSQL"
docker run -d --name kl-pg --network "$net" kleiber-test-postgres:15 >/dev/null
for _ in $(seq 60); do docker exec kl-pg pg_isready -q 2>/dev/null && break; sleep 1; done
store=postgresql://kleiber@kl-pg:5432/kleiber
common=(--network "$net" --read-only --tmpfs /tmp:size=512m --cap-drop ALL --security-opt no-new-privileges
        --security-opt seccomp=unconfined --security-opt apparmor=unconfined --security-opt systempaths=unconfined
        -e KLEIBER_STORE="$store" -e KLEIBER_REMOTE=/srv/remote/project.git -v "$work/remote:/srv/remote")

start_server() { # colour, image, host port
  docker run -d --name "kl-server-$1" "${common[@]}" --tmpfs /work:size=1g,uid=10001,gid=10001 \
    -v "$script:/srv/script.jsonl:ro" -p "127.0.0.1:$3:8420" "$2" serve --script /srv/script.jsonl >/dev/null
}
wait_ready() { # url
  for _ in $(seq 120); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1/readyz")" = 200 ] && return 0
    sleep 1
  done
  echo "not ready: $1" >&2; return 1
}
kl() { docker exec -w /work/repo kl-server-blue /opt/kleiber/entrypoint.sh "$@"; }

say "the server (blue)"
start_server blue "$image" 18421
wait_ready http://127.0.0.1:18421
docker inspect -f '{{.State.Health.Status}}' kl-server-blue
admin=$(kl token create --name e2e-admin --scope admin --json | sed -n 's/.*"secret" *: *"\([^"]*\)".*/\1/p')
read=$(kl token create --name e2e-read --scope read --json | sed -n 's/.*"secret" *: *"\([^"]*\)".*/\1/p')
[ -n "$admin" ] && [ -n "$read" ]

say "a scripted plan through the API"
body=$(python3 -c 'import json,sys; print(json.dumps({"plan": sys.stdin.read()}))' <<<"$plan")
started=$(curl -s -X POST -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  --data "$body" http://127.0.0.1:18421/api/v1/runs)
echo "$started"
run=$(echo "$started" | sed -n 's/.*"run" *: *"\([^"]*\)".*/\1/p')
[ -n "$run" ]
for _ in $(seq 300); do
  doc=$(curl -s -H "Authorization: Bearer $read" "http://127.0.0.1:18421/api/v1/runs/$run")
  echo "$doc" | grep -q '"state" *: *"finished"\|"finished" *: *true' && break
  sleep 2
done
echo "$doc" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("run", d.get("run"), "state", d.get("state"), [(t["id"], t["state"]) for t in d.get("tasks", [])])'
# A run started through the API runs in the server's conductor, which merges into the server's checkout.
merged=$(docker exec -w /work/repo kl-server-blue git log main --format=%B | grep -c '^Kleiber-Task: greet-' || true)
say "the server's main has $merged task merges"
[ "$merged" -ge 3 ]

say "two workers"
for w in 1 2; do
  docker run -d --name "kl-w$w" "${common[@]}" --tmpfs /work:size=1g,uid=10001,gid=10001 "$image" worker --slots 1 >/dev/null
done
sleep 15
kl workers --json | python3 -c 'import json,sys; d=json.load(sys.stdin); ws=d.get("workers", d); print(len(ws), "live workers:", [w.get("holder", w.get("name")) for w in ws])'

say "blue-green with nginx in front, a client polling through it"
mkdir -p "$work/nginx"
printf 'upstream kleiber {\n    server 127.0.0.1:18421;\n}\n' > "$work/nginx/upstream.conf"
cat > "$work/nginx/nginx.conf" <<NGINX
user root;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 256; }
http {
    log_format upstreams '\$upstream_addr \$status';
    access_log $work/nginx/access.log upstreams;
    client_body_temp_path $work/nginx/body; proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi; uwsgi_temp_path $work/nginx/uwsgi; scgi_temp_path $work/nginx/scgi;
    include $work/nginx/upstream.conf;
    server {
        listen 127.0.0.1:18420;
        location / { proxy_pass http://kleiber; proxy_http_version 1.1; proxy_set_header Connection ""; }
    }
}
NGINX
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx"
(
  ok=0; failed=0
  while [ ! -f "$work/stop" ]; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $read" http://127.0.0.1:18420/api/v1/runs || true)
    if [ "$code" = 200 ]; then ok=$((ok + 1)); else failed=$((failed + 1)); echo "failed: $code" >> "$work/failures"; fi
    echo "$ok $failed" > "$work/counts"
  done
) &
poller=$!
export KLEIBER_BG_DRIVER=nginx KLEIBER_NGINX_UPSTREAM=$work/nginx/upstream.conf \
  KLEIBER_NGINX_RELOAD="nginx -c $work/nginx/nginx.conf -p $work/nginx -s reload" \
  KLEIBER_BLUE_URL=http://127.0.0.1:18421 KLEIBER_GREEN_URL=http://127.0.0.1:18422 \
  KLEIBER_SMOKE_TOKEN=$read KLEIBER_BG_TIMEOUT=120
# how the script starts a colour: the same `docker run` as blue's, on the colour's own port
cat > "$work/start-colour.sh" <<START
#!/usr/bin/env bash
set -euo pipefail
[ "\$1" = green ] && port=18422 || port=18421
docker rm -f "kl-server-\$1" >/dev/null 2>&1 || true
docker run -d --name "kl-server-\$1" $(printf '%q ' "${common[@]}") --tmpfs /work:size=1g,uid=10001,gid=10001 \\
  -v "$script:/srv/script.jsonl:ro" -p "127.0.0.1:\$port:8420" "\$2" serve --script /srv/script.jsonl >/dev/null
START
chmod +x "$work/start-colour.sh"
export KLEIBER_BG_START=$work/start-colour.sh
sleep 3
deploy/blue-green.sh deploy "$image"
sleep 5
say "after the switch: $(cat "$work/counts") (ok failed); upstreams now: $(tail -3 "$work/nginx/access.log" | cut -d' ' -f1 | sort -u | tr '\n' ' ')"
deploy/blue-green.sh rollback
sleep 5
touch "$work/stop"; wait "$poller" || true; poller=
read -r ok failed < "$work/counts"
say "after the rollback: $ok requests answered 200, $failed failed; upstreams now: $(tail -3 "$work/nginx/access.log" | cut -d' ' -f1 | sort -u | tr '\n' ' ')"
[ "$failed" = 0 ] || { cat "$work/failures"; exit 1; }
say "passed"

#!/usr/bin/env bash
# Kleiber on real repositories (issue 14): for each local clone given, in a scratch copy, counts lint findings per
# rule with the blueprint's defaults (no kleiber.yaml) and after `kleiber init`, shows what init found, checks the
# plan bench/brownfield/NAME.plan.yaml if there is one, then records a baseline and runs `kleiber validate`.
#
#   bench/brownfield.sh [--jar target/kleiber.jar] CLONE...
#
# Nothing is downloaded: clone the repositories yourself first (and install their dependencies if validate should
# run their tests; a clone's node_modules is hard-linked into the scratch copy). The repositories and commits
# measured for docs/decisions/0110-brownfield-on-real-repositories.md:
#   gothinkster/node-express-realworld-example-app 30b68e1 (Express + Prisma API, Nx, master)
#   gothinkster/react-redux-realworld-example-app  ee72eba (React + Redux, master)
#   umami-software/umami                           c0ea3ae (Next.js + Prisma + ClickHouse, pnpm, master)
#   documenso/documenso                            7533016 (Turborepo monorepo, npm workspaces, main)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
jar="$root/target/kleiber.jar"
if [ "${1:-}" = "--jar" ]; then jar=$(readlink -f "$2"); shift 2; fi
[ $# -gt 0 ] || { echo "usage: bench/brownfield.sh [--jar JAR] CLONE..." >&2; exit 2; }
[ -f "$jar" ] || { echo "no $jar: build it with ./mvnw -B -DskipTests package, or pass --jar" >&2; exit 2; }
. "$root/.mvn/jdk.sh"
kleiber_pick_jdk || exit 2
kleiber() { "$JAVA_HOME/bin/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED -jar "$jar" "$@"; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@kleiber.invalid \
  GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@kleiber.invalid

per_rule() { { grep -o ': \[[a-z-]*\]' "$1" || true; } | sort | uniq -c | awk '{printf "%s %s, ", $3, $1}' | sed 's/, $//'; }

for clone in "$@"; do
  name=$(basename "$(readlink -f "$clone")")
  work="$scratch/$name"
  git clone -q --local "$clone" "$work"
  if [ -d "$clone/node_modules" ]; then cp -al "$clone/node_modules" "$work/node_modules"; fi
  echo "## $name ($(git -C "$work" rev-parse --short HEAD), $(git -C "$work" ls-files | wc -l) files)"
  (cd "$work" && kleiber lint >"$scratch/$name.defaults" 2>&1 || true)
  echo "- defaults: $(tail -c 300 "$scratch/$name.defaults" | grep -o '[0-9]* findings\? (checked [0-9]* files' || echo "no findings") — $(per_rule "$scratch/$name.defaults")"
  (cd "$work" && kleiber init >"$scratch/$name.init" 2>&1)
  sed -n '/^Found in/,/^Kleiber in/p' "$scratch/$name.init" | sed '1d;$d' | cut -c1-160 | sed 's/^/    /'
  git -C "$work" add -A && git -C "$work" commit -qm "kleiber init"
  start=$(date +%s%N)
  (cd "$work" && kleiber lint >"$scratch/$name.after" 2>&1 || true)
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  echo "- after init: $(tail -c 300 "$scratch/$name.after" | grep -o '[0-9]* findings\? (checked [0-9]* files' || echo "no findings") — $(per_rule "$scratch/$name.after") (lint ${ms} ms)"
  if [ -f "$here/brownfield/$name.plan.yaml" ]; then
    cp "$here/brownfield/$name.plan.yaml" "$work/plan.yaml"
    (cd "$work" && kleiber plan check plan.yaml >"$scratch/$name.plan" 2>&1) && plan=ok || plan="refused: $(grep -o "file '[^']*' is outside what [a-z-]* may write" "$scratch/$name.plan" | tr '\n' ';' || true)"
    echo "- plan check: $plan"
  fi
  (cd "$work" && kleiber lint --baseline >/dev/null 2>&1) && git -C "$work" add -A && git -C "$work" commit -qm "lint baseline"
  (cd "$work" && kleiber validate --json >"$scratch/$name.validate" 2>"$scratch/$name.validate.err") && v=0 || v=$?
  checks=$({ grep -o '"\(name\|status\)" *: *"[^"]*"' "$scratch/$name.validate" || true; } | sed 's/.*: *"\(.*\)"/\1/' | paste -d= - - | paste -sd' ')
  echo "- validate: exit $v: $checks$(head -c 200 "$scratch/$name.validate.err")"
  if [ -n "${KEEP:-}" ]; then
    mkdir -p "$KEEP" && cp "$scratch/$name".* "$KEEP/"
    cp "$work/reports/main-validation.md" "$KEEP/$name.main-validation.md" 2>/dev/null || true
  fi
done

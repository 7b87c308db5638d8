#!/usr/bin/env bash
# Runs the REST Client files of this folder with httpyac against a freshly built server and
# fails on any failed assertion.
#
#   deploy/http/run.sh                      # SQLite in a temporary data folder
#   HTTP_TEST_DATABASE_URL='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' \
#     deploy/http/run.sh                    # a fresh PostgreSQL database, dropped afterwards
#   DATABASE_URL=postgres://… deploy/http/run.sh   # an existing database, used as it is
#   deploy/http/run.sh scenario.http        # only the named files
#
# httpyac is installed once, pinned, under .cache/httpyac (HTTPYAC_CACHE overrides it).
# The server runs with MEDIA_PROCESSING=required (videos.http checks the media facts), so
# ffmpeg must be installed (apt-get install ffmpeg), and with ANALYTICS_FLUSH_INTERVAL=1s
# (videos.http reads watch analytics a moment after streaming).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
HTTPYAC_VERSION=6.16.7
cache=${HTTPYAC_CACHE:-$root/.cache/httpyac}
httpyac=$cache/node_modules/.bin/httpyac
default_files=(scenario.http corporations.http auth.http users.http videos.http view_logs.http tokens.http uploads.http usage.http webhooks.http api_keys.http)
files=("${@:-${default_files[@]}}")

say() { printf 'http-test: %s\n' "$*" >&2; }
die() { say "FAIL: $*"; exit 1; }

# 1. httpyac, pinned.
if [ ! -x "$httpyac" ] || [ "$("$httpyac" --version 2>/dev/null)" != "$HTTPYAC_VERSION" ]; then
  command -v npm >/dev/null || die "npm is needed to install httpyac $HTTPYAC_VERSION"
  say "installing httpyac $HTTPYAC_VERSION into $cache"
  mkdir -p "$cache"
  npm install --prefix "$cache" --no-audit --no-fund --loglevel=error "httpyac@$HTTPYAC_VERSION" >&2
fi

work=$(mktemp -d)
server_pid=""
dropdb_url=""
dbname=""
cleanup() {
  status=$?
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ -n "$dbname" ]; then
    psql "$dropdb_url" -qAtc "DROP DATABASE IF EXISTS \"$dbname\" WITH (FORCE)" >/dev/null 2>&1 ||
      say "could not drop database $dbname"
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 2. The server: built from this tree, on a free loopback port, with its own data folder.
say "building the server"
(cd "$root" && go build -o "$work/vms" ./app)

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"

db_url=${DATABASE_URL:-}
if [ -z "$db_url" ] && [ -n "${HTTP_TEST_DATABASE_URL:-}" ]; then
  command -v psql >/dev/null || die "psql is needed to create a database from HTTP_TEST_DATABASE_URL"
  dbname="vms_http_$(date +%s)_$$"
  dropdb_url=$HTTP_TEST_DATABASE_URL
  psql "$HTTP_TEST_DATABASE_URL" -qAtc "CREATE DATABASE \"$dbname\"" >/dev/null ||
    die "cannot create a database through HTTP_TEST_DATABASE_URL"
  db_url=$(printf '%s' "$HTTP_TEST_DATABASE_URL" | sed -E "s#^(postgres(ql)?://[^/]*)(/[^?]*)?#\\1/$dbname#")
fi
if [ -n "$db_url" ]; then
  say "database: ${db_url%%\?*}" # without the query, which may hold a password
else
  say "database: SQLite in a temporary data folder"
fi

say "starting the server on $base"
env ${db_url:+DATABASE_URL="$db_url"} \
  DATA_DIR="$work/data" \
  HTTP_ADDR="127.0.0.1:$port" \
  JWT_SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '\n')" \
  LOG_LEVEL="${LOG_LEVEL:-warn}" \
  LOG_FORMAT=text \
  MEDIA_PROCESSING="${MEDIA_PROCESSING:-required}" \
  ANALYTICS_FLUSH_INTERVAL="${ANALYTICS_FLUSH_INTERVAL:-1s}" \
  "$work/vms" >"$work/server.log" 2>&1 &
server_pid=$!

for _ in $(seq 1 150); do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    cat "$work/server.log" >&2
    die "the server stopped during start-up"
  fi
  if curl -fsS -o /dev/null "$base/readyz" 2>/dev/null; then
    break
  fi
  sleep 0.2
done
curl -fsS -o /dev/null "$base/readyz" || { cat "$work/server.log" >&2; die "$base/readyz did not answer 200 within 30 s"; }

# 3. The .http files, copied so that @baseUrl points at this server.
mkdir "$work/http"
cp "$here"/*.http "$here/sample.mp4" "$here"/sample-*.bin "$here/.httpyac.js" "$work/http/"
sed -i -E "s#^@baseUrl = .*#@baseUrl = $base#" "$work/http"/*.http

failed=()
total_requests=0
total_passed=0
total_failed=0
for f in "${files[@]}"; do
  f=$(basename "$f")
  [ -f "$work/http/$f" ] || die "no such file: deploy/http/$f"
  printf '\n==================== %s ====================\n' "$f"
  rc=0
  (cd "$work/http" && "$httpyac" send "$f" --all --bail --no-color -o short --output-failed exchange) \
    2>&1 | tee "$work/out.txt" || rc=$?
  requests=$(grep -c '^=> ' "$work/out.txt" || true)
  passed=$(grep -c '^✓ ' "$work/out.txt" || true)
  errors=$(grep -c '^✖ ' "$work/out.txt" || true)
  total_requests=$((total_requests + requests))
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + errors))
  # Every "# ??" line must have run and passed: a parser change must not skip assertions.
  expected=$(grep -c '^# ?? ' "$work/http/$f" || true)
  if [ "$rc" -ne 0 ] || [ "$errors" -ne 0 ] || [ "$passed" -ne "$expected" ]; then
    failed+=("$f")
  fi
  printf -- '-- %s: %d responses, %d of %d assertions passed, %d failed (httpyac exit %d)\n' \
    "$f" "$requests" "$passed" "$expected" "$errors" "$rc"
done

printf '\nhttp-test: %d files, %d responses, %d assertions passed, %d failed\n' \
  "${#files[@]}" "$total_requests" "$total_passed" "$total_failed"
if [ "${#failed[@]}" -gt 0 ]; then
  say "server log (last 40 lines):"
  tail -n 40 "$work/server.log" >&2
  die "failed: ${failed[*]}"
fi
say "PASS"

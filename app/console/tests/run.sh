#!/usr/bin/env bash
# The web console in a real browser: Playwright (playwright-core, pinned in
# app/console/package-lock.json) drives Debian's Chromium through tests/journey.mjs against
# a server built from this tree, on SQLite in a temporary folder, with ffmpeg for media
# processing. Screenshots of every screen at 390 and 1440 px, the server log and a list of
# the screenshots go to app/console/test-output (TEST_OUTPUT overrides it).
#
#   bash app/console/tests/run.sh        # or: make console-test
#
# It also checks that the committed app/console/dist is exactly what the sources build.
# Chromium is installed with apt-get when it is missing (as root); without it, ffmpeg or
# Node.js the run fails: it is never skipped.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
console=$(cd "$here/.." && pwd)
root=$(cd "$console/../.." && pwd)
out=${TEST_OUTPUT:-$console/test-output}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

say() { printf 'console-test: %s\n' "$*" >&2; }
die() { say "FAIL: $*"; exit 1; }

work=$(mktemp -d)
server_pid=""
cleanup() {
  status=$?
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  [ -f "$work/server.log" ] && cp "$work/server.log" "$out/server.log"
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
rm -rf "$out"
mkdir -p "$out"

# 1. Tools.
if [ ! -x "$CHROMIUM" ]; then
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null ||
    die "$CHROMIUM is missing and cannot be installed here: apt-get install chromium (Debian's package), or set CHROMIUM"
  say "installing Debian's chromium"
  apt-get update -qq || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2 || die "apt-get install chromium failed"
fi
"$CHROMIUM" --version 2>/dev/null | grep -q Chromium || die "$CHROMIUM does not run"
say "$("$CHROMIUM" --version 2>/dev/null)"
for tool in node npm ffmpeg ffprobe go; do
  command -v "$tool" >/dev/null || die "$tool is missing"
done

# 2. The console's packages, from the lock file (again only when it changed).
if ! cmp -s "$console/package-lock.json" "$console/node_modules/.vms-package-lock.json" 2>/dev/null; then
  say "npm ci in app/console"
  (cd "$console" && npm ci --no-audit --no-fund --loglevel=error >&2) || die "npm ci failed"
  cp "$console/package-lock.json" "$console/node_modules/.vms-package-lock.json"
fi
say "playwright-core $(node -p "require('$console/node_modules/playwright-core/package.json').version"), axe-core $(node -p "require('$console/node_modules/axe-core/package.json').version")"

# 3. The committed build is what the sources build.
say "rebuilding the console to compare it with app/console/dist"
(cd "$console" && npx tsc --noEmit -p . && npx vite build --outDir "$work/dist" --emptyOutDir --logLevel warn && node scripts/stamp.mjs "$work/dist") >&2 ||
  die "the console does not build"
diff -r "$console/dist" "$work/dist" >&2 || die "app/console/dist differs from a fresh build of the sources: run make console and commit app/console/dist"

# 4. The server and the test videos.
say "building the server"
(cd "$root" && go build -o "$work/vms" ./app) || die "go build failed"
mkdir -p "$work/fixtures"
# 640x360 H.264 and AAC, the moov atom first. The two larger ones (about 6 MB, noise keeps
# the bitrate up) are uploaded through a throttled uplink and interrupted.
video() { # name seconds pattern tone bitrate noise
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i "$3=size=640x360:rate=25" -f lavfi -i "sine=frequency=$4:sample_rate=44100" \
    -t "$2" -vf "noise=alls=$6:allf=t" -c:v libx264 -preset veryfast -b:v "$5" -maxrate "$5" -bufsize 6M -pix_fmt yuv420p \
    -c:a aac -b:a 96k -movflags +faststart "$work/fixtures/$1" || die "ffmpeg could not make $1"
}
video sunrise.mp4 16 testsrc2 440 3M 8
video harbour.mp4 16 smptehdbars 550 3M 16
video bars.mp4 12 rgbtestsrc 660 500k 0
ls -l "$work/fixtures" >&2

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
say "starting the server on $base (SQLite, MEDIA_PROCESSING=required)"
DATA_DIR="$work/data" HTTP_ADDR="127.0.0.1:$port" JWT_SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '\n')" \
  LOG_LEVEL=warn LOG_FORMAT=text MEDIA_PROCESSING=required "$work/vms" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 150); do
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; die "the server stopped during start-up"; }
  curl -fsS -o /dev/null "$base/readyz" 2>/dev/null && break
  sleep 0.2
done
curl -fsS -o /dev/null "$base/readyz" || die "$base/readyz did not answer within 30 s"

# 5. The journey.
say "running tests/journey.mjs"
rc=0
(cd "$console" && BASE_URL="$base" TEST_OUTPUT="$out" FIXTURES="$work/fixtures" CHROMIUM="$CHROMIUM" \
  timeout 600 node tests/journey.mjs) || rc=$?
if [ "$rc" -ne 0 ]; then
  say "server log (last 30 lines):"
  tail -n 30 "$work/server.log" >&2
  die "the browser journey failed (exit $rc); screenshots so far in $out"
fi
say "PASS; screenshots in $out/screens"

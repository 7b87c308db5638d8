# Shared helpers of the benchmark scripts in deploy/bench (source it, do not run it).
# Everything listens on 127.0.0.1 only, lives in one temporary folder, and is stopped,
# removed and dropped again by the EXIT trap.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROOT=$(cd "$BENCH_DIR/../.." && pwd)
SMOKE=${SMOKE:-0}
if [ "$SMOKE" = 1 ]; then DURATION=${DURATION:-3s}; else DURATION=${DURATION:-10s}; fi
case "$DURATION" in *[0-9]) DURATION="${DURATION}s" ;; esac
BENCH_ENFORCE=${BENCH_ENFORCE:-0}
PG_URL_BASE=${PG_URL_BASE:-postgres://postgres@127.0.0.1:5432}
POINTS_PER_VIEW=10
JWT_SECRET=${JWT_SECRET:-bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')-0123456789abcdef}
export JWT_SECRET

WORK=$(mktemp -d /tmp/vmsbench.XXXXXX)
BENCH_PIDS=()
BENCH_DBS=()
BENCH_MISSED=0

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "FAIL: $*"; exit 1; }

bench_cleanup() {
	local status=$?
	local pid
	for pid in "${BENCH_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${BENCH_PIDS[@]}"; do
		for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	local db
	for db in "${BENCH_DBS[@]}"; do
		psql "$PG_URL_BASE/postgres" -qAtc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || log "could not drop database $db"
	done
	if [ "${BENCH_KEEP:-0}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
	exit "$status"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

# seconds prints DURATION (or the argument) as whole seconds.
seconds() {
	local d=${1:-$DURATION}
	case "$d" in
	*ms) echo 1 ;;
	*m) echo $((${d%m} * 60)) ;;
	*s) echo "${d%s}" ;;
	*) echo "$d" ;;
	esac
}

# need CMD [PACKAGE]: install the Debian package when the command is missing.
need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	log "installing ${2:-$1}"
	apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${2:-$1}" >/dev/null ||
		die "cannot install ${2:-$1}"
}

# build_tools sets VMS_BIN and VMSLOAD_BIN, building them unless given.
build_tools() {
	need curl
	need jq
	need psql postgresql-client
	if [ -z "${VMS_BIN:-}" ] || [ ! -x "$VMS_BIN" ]; then
		mkdir -p "$WORK/bin"
		VMS_BIN="$WORK/bin/vms"
		(cd "$ROOT" && go build -o "$VMS_BIN" ./app) || die "go build ./app failed"
	fi
	if [ -z "${VMSLOAD_BIN:-}" ] || [ ! -x "$VMSLOAD_BIN" ]; then
		mkdir -p "$WORK/bin"
		VMSLOAD_BIN="$WORK/bin/vmsload"
		(cd "$ROOT" && go build -o "$VMSLOAD_BIN" ./deploy/bench/cmd/vmsload) || die "go build vmsload failed"
	fi
	pg_isready -h 127.0.0.1 -p 5432 -q || die "PostgreSQL does not answer on 127.0.0.1:5432"
}

# free_port prints a TCP port on 127.0.0.1 that nothing listens on.
free_port() {
	local p
	for _ in $(seq 1 200); do
		p=$((20000 + RANDOM % 30000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	die "no free port"
}

# create_db NAME: a database of this run, dropped at exit; sets DB_URL. (Not for $(…): the
# list of databases to drop must be kept in this shell.)
create_db() {
	local db="vmsbench_$$_$1"
	psql "$PG_URL_BASE/postgres" -qAtc "CREATE DATABASE \"$db\"" >/dev/null || die "cannot create database $db"
	BENCH_DBS+=("$db")
	DB_URL="$PG_URL_BASE/$db?sslmode=disable"
}

# sql URL STATEMENT…: run SQL, print unaligned rows.
sql() {
	local url=$1
	shift
	psql "$url" -v ON_ERROR_STOP=1 -qAtc "$*"
}

# start_vms NAME PORT DB_URL [VAR=value…]: start a vms process in the background with its own
# DATA_DIR and wait until /readyz answers; sets VMS_PID. Media processing is off unless the
# script (processing.sh, hls.sh) turns it on, so background ffmpeg runs never weigh on the
# other measures.
start_vms() {
	local name=$1 port=$2 db=$3
	shift 3
	mkdir -p "$WORK/$name"
	env HTTP_ADDR="127.0.0.1:$port" DATA_DIR="$WORK/$name" DATABASE_URL="$db" JWT_SECRET="$JWT_SECRET" \
		POINTS_PER_VIEW="$POINTS_PER_VIEW" LOG_LEVEL="${VMS_LOG_LEVEL:-warn}" GOMAXPROCS="${VMS_GOMAXPROCS:-$(nproc)}" \
		MEDIA_PROCESSING="${MEDIA_PROCESSING:-off}" "$@" "$VMS_BIN" serve >"$WORK/$name.log" 2>&1 &
	VMS_PID=$!
	BENCH_PIDS+=("$VMS_PID")
	for _ in $(seq 1 300); do
		if curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null; then return 0; fi
		kill -0 "$VMS_PID" 2>/dev/null || { tail -20 "$WORK/$name.log" >&2; die "vms $name exited at start"; }
		sleep 0.1
	done
	tail -20 "$WORK/$name.log" >&2
	die "vms $name not ready after 30 s"
}

# stop_pid PID: stop one process this script started.
stop_pid() {
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# start_nginx TEMPLATE [@KEY@=value…]: generate a config in $WORK from a template of
# deploy/bench/nginx and run nginx in the foreground of a background job; sets NGINX_PID.
start_nginx() {
	need nginx
	local tmpl="$BENCH_DIR/nginx/$1"
	shift
	local dir="$WORK/nginx"
	mkdir -p "$dir/logs" "$dir/tmp"
	local user_line=""
	[ "$(id -u)" = 0 ] && user_line="user root;"
	local expr=(-e "s|@PREFIX@|$dir|g" -e "s|@USER@|$user_line|g")
	local kv
	for kv in "$@"; do expr+=(-e "s|${kv%%=*}|${kv#*=}|g"); done
	sed "${expr[@]}" "$tmpl" >"$dir/nginx.conf"
	nginx -t -p "$dir" -c "$dir/nginx.conf" >"$dir/test.log" 2>&1 || { cat "$dir/test.log" >&2; die "nginx config"; }
	nginx -p "$dir" -c "$dir/nginx.conf" >"$dir/stdout.log" 2>&1 &
	NGINX_PID=$!
	BENCH_PIDS+=("$NGINX_PID")
}

# wait_http URL: wait until URL answers (any status).
wait_http() {
	for _ in $(seq 1 100); do
		curl -s -o /dev/null "$1" && return 0
		sleep 0.1
	done
	die "$1 does not answer"
}

# api METHOD URL [curl args…]: JSON call that must succeed; prints the body.
api() {
	local method=$1 url=$2
	shift 2
	local out
	out=$(curl -sS -X "$method" -w '\n%{http_code}' "$@" "$url") || die "$method $url: curl failed"
	local code=${out##*$'\n'}
	local body=${out%$'\n'*}
	case "$code" in 2*) printf '%s' "$body" ;; *) die "$method $url: $code $body" ;; esac
}

# signup BASE NAME EMAIL PASSWORD [PLAN]: create a corporation with its admin; prints its id.
signup() {
	local plan=${5:-FREE} expiry=null
	[ "$plan" = PAID ] && expiry="\"$(date -u -d '+30 days' +%Y-%m-%d)\""
	api POST "$1/v1/corporations" -H 'Content-Type: application/json' \
		-d "{\"name\":\"$2\",\"plan_type\":\"$plan\",\"plan_expired_at\":$expiry,\"admin_email\":\"$3\",\"admin_password\":\"$4\"}" | jq -r .id
}

# login BASE EMAIL PASSWORD: prints an access token.
login() {
	api POST "$1/v1/auth/login" -H 'Content-Type: application/json' \
		-d "{\"email\":\"$2\",\"password\":\"$3\"}" | jq -r .access_token
}

# make_video FILE MIB: a file that sniffs as video/mp4 (the testdata header), padded to MIB.
make_video() {
	cp "$ROOT/modules/video/service/testdata/sample.mp4" "$1"
	truncate -s "$2M" "$1"
}

# upload BASE TOKEN FILE: multipart upload of a public video (anonymous reads see it);
# prints the video id.
upload() {
	api POST "$1/v1/videos" -H "Authorization: Bearer $2" -F name=bench -F visibility=public -F "file=@$3;type=video/mp4" | jq -r .id
}

# seed_users DB_URL CORPORATION_ID COUNT: guests inserted with SQL (the password hash of the
# corporation's admin); prints "MIN MAX" of their ids.
seed_users() {
	sql "$1" "INSERT INTO users (email, password_hash, role, corporation_id)
		SELECT 'seed-' || g || '-' || $2 || '@bench.example', (SELECT password_hash FROM users WHERE corporation_id = $2 LIMIT 1), 'guest', $2
		FROM generate_series(1, $3) g" >/dev/null
	sql "$1" "SELECT min(id) || ' ' || max(id) FROM users WHERE email LIKE 'seed-%-$2@bench.example'"
}

# seed_videos DB_URL CORPORATION_ID COUNT: public source-URL videos inserted with SQL (the
# anonymous list shows them); prints "MIN MAX".
seed_videos() {
	sql "$1" "INSERT INTO videos (name, corporation_id, source_kind, source_url, content_type, visibility)
		SELECT 'seed video ' || g, $2, 'url', 'https://media.example.com/seed/' || g || '.mp4', 'video/mp4', 'public'
		FROM generate_series(1, $3) g" >/dev/null
	sql "$1" "SELECT min(id) || ' ' || max(id) FROM videos WHERE corporation_id = $2 AND source_kind = 'url'"
}

# metric BASE NAME: the sum of a metric's samples on /metrics.
metric() {
	curl -fsS "$1/metrics" | awk -v n="$2" '$1 == n || index($1, n "{") == 1 { s += $2 } END { printf "%d\n", s }'
}

# field LINE KEY: the value of KEY=value in a summary line.
field() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p" | tr -d '"' | head -1; }

# result NAME VMS_LABEL VMS_VALUE REF_LABEL REF_VALUE UNIT OP TARGET: print the RESULT line of a
# ratio vms/reference (OP >= or <=) and remember a missed target.
result() {
	local name=$1 a_label=$2 a=$3 b_label=$4 b=$5 unit=$6 op=$7 target=$8
	local line
	line=$(awk -v n="$name" -v al="$a_label" -v a="$a" -v bl="$b_label" -v b="$b" -v u="$unit" -v op="$op" -v t="$target" -v smoke="$SMOKE" 'BEGIN {
		r = (b > 0) ? a / b : 0
		ok = (op == ">=") ? (r >= t) : (b > 0 && r <= t)
		printf "RESULT %s %s=%.2f%s %s=%.2f%s ratio=%.3f target%s%s %s%s\n", n, al, a, u, bl, b, u, r, op, t, ok ? "PASS" : "MISS", smoke == 1 ? " (smoke)" : ""
	}')
	echo "$line"
	[[ "$line" == *" PASS"* ]] || BENCH_MISSED=1
}

# check NAME CONDITION_TEXT OK(0/1): print a correctness RESULT line; a broken invariant
# always fails the script.
check() {
	if [ "$3" = 1 ]; then
		echo "RESULT $1 $2 PASS"
	else
		echo "RESULT $1 $2 FAIL"
		BENCH_BROKEN=1
	fi
}
BENCH_BROKEN=0

# finish: the exit status of a script: 1 for a broken invariant, 3 for a missed target when
# BENCH_ENFORCE=1 (never in smoke mode), else 0.
finish() {
	[ "$BENCH_BROKEN" = 0 ] || exit 1
	if [ "$BENCH_MISSED" = 1 ] && [ "$BENCH_ENFORCE" = 1 ] && [ "$SMOKE" != 1 ]; then exit 3; fi
	exit 0
}

# absolute NAME LABEL VALUE UNIT OP TARGET: print the RESULT line of an absolute target.
absolute() {
	local line
	line=$(awk -v n="$1" -v l="$2" -v v="$3" -v u="$4" -v op="$5" -v t="$6" -v smoke="$SMOKE" 'BEGIN {
		ok = (op == ">=") ? (v >= t) : (v <= t)
		printf "RESULT %s %s=%.2f%s target%s%s%s %s%s\n", n, l, v, u, op, t, u, ok ? "PASS" : "MISS", smoke == 1 ? " (smoke)" : ""
	}')
	echo "$line"
	[[ "$line" == *" PASS"* ]] || BENCH_MISSED=1
}

# cpu_seconds PATTERN: CPU seconds (user + system) used so far by the processes whose command
# line matches PATTERN (pgrep -f); exited processes are not counted.
cpu_seconds() {
	local hz pid total=0 t
	hz=$(getconf CLK_TCK)
	for pid in $(pgrep -f -- "$1" || true); do
		t=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)
		total=$((total + t))
	done
	awk -v t="$total" -v hz="$hz" 'BEGIN { printf "%.2f\n", t / hz }'
}

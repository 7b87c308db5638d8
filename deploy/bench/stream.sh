#!/usr/bin/env bash
# Measures 1 and 2: a repeat viewer reading random aligned ranges of an uploaded video
# through GET /v1/videos/stream/{id} (wrk -c64), against nginx (sendfile) serving the very
# file vms stored. bulk_stream compares bytes/s with 1 MiB ranges (target ≥ 0.9),
# request_rate compares requests/s with 1 KiB ranges (target ≥ 0.5).
# Each also compares vms with a second vms on the same database and files started with
# OFF_ENV (default "ANALYTICS=off USAGE_METERING=off": neither watch analytics nor usage
# metering take in anything), in alternating rounds: bulk_stream_analytics and
# request_rate_analytics (metering included) compare throughput (target ≥ 0.95),
# *_analytics_cpu the server's CPU time per request (target ≤ 1.05), which other work on
# the machine disturbs less.
# Env: DURATION (default 10s), SMOKE=1 (3 s, 32 MiB video), WRK_CONNECTIONS (64),
# BENCH_ONLY=bulk_stream|request_rate, OFF_ENV, ROUNDS (2; 1 in smoke mode).
source "$(dirname "$0")/lib/common.sh"
build_tools
need wrk

if [ "$SMOKE" = 1 ]; then size_mib=${VIDEO_MIB:-32}; else size_mib=${VIDEO_MIB:-256}; fi
conns=${WRK_CONNECTIONS:-64}
threads=$(nproc)
if [ "$SMOKE" = 1 ]; then rounds=${ROUNDS:-1}; else rounds=${ROUNDS:-2}; fi
read -r -a off_env <<<"${OFF_ENV:-ANALYTICS=off USAGE_METERING=off}"

create_db stream
db=$DB_URL
port=$(free_port)
start_vms vms "$port" "$db"
on_pid=$VMS_PID
base="http://127.0.0.1:$port"

signup "$base" "Bench Stream $$" "admin-$$@bench.example" "bench-password-1" >/dev/null
admin=$(login "$base" "admin-$$@bench.example" "bench-password-1")
api POST "$base/v1/users" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
	-d "{\"email\":\"viewer-$$@bench.example\",\"password\":\"bench-password-2\",\"role\":\"guest\"}" >/dev/null
viewer=$(login "$base" "viewer-$$@bench.example" "bench-password-2")

make_video "$WORK/upload.mp4" "$size_mib"
log "uploading a $size_mib MiB video"
video=$(upload "$base" "$admin" "$WORK/upload.mp4")
rm -f "$WORK/upload.mp4"
key=$(sql "$db" "SELECT storage_key FROM videos WHERE id = $video")
file="$WORK/vms/videos/$key"
[ -f "$file" ] || die "stored file $file not found"
size=$(stat -c %s "$file")

# The first GET records the view; wrk then measures a repeat viewer.
code=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $viewer" -H 'Range: bytes=0-0' "$base/v1/videos/stream/$video")
[ "$code" = 206 ] || die "first view: status $code"
[ "$(sql "$db" "SELECT count(*) FROM video_view_logs")" = 1 ] || die "the first view was not recorded"

# The same server with OFF_ENV, sharing the database, the secret and the stored file.
oport=$(free_port)
start_vms vms-off "$oport" "$db" STORAGE_URL="file://$WORK/vms/videos" "${off_env[@]}"
off_pid=$VMS_PID
obase="http://127.0.0.1:$oport"

nport=$(free_port)
start_nginx static.conf.tmpl "@PORT@=$nport" "@FILE@=$file" "@WORKERS@=$threads"
wait_http "http://127.0.0.1:$nport/video"
a=$(curl -fsS -H "Authorization: Bearer $viewer" -H 'Range: bytes=0-1048575' "$base/v1/videos/stream/$video" | sha256sum)
b=$(curl -fsS -H 'Range: bytes=0-1048575' "http://127.0.0.1:$nport/video" | sha256sum)
[ "$a" = "$b" ] || die "vms and nginx serve different bytes"

# run_wrk URL_BASE PATH CHUNK TOKEN: prints the WRK summary line.
run_wrk() {
	local out
	out=$(BENCH_PATH=$2 BENCH_SIZE=$size BENCH_CHUNK=$3 BENCH_TOKEN=$4 \
		wrk -t"$threads" -c"$conns" -d"$DURATION" -s "$BENCH_DIR/range.lua" "$1" 2>&1) || die "wrk failed: $out"
	local line
	line=$(grep '^WRK ' <<<"$out") || die "no wrk summary: $out"
	[ "$(field "$line" status_errors)" = 0 ] || die "error statuses from $1$2: $line"
	[ "$(field "$line" requests)" -gt 0 ] || die "no requests completed against $1$2: $line"
	log "$1$2 chunk=$3: $line"
	echo "$line"
}

# pid_cpu PID: CPU seconds (user + system) the process has used.
pid_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($14 + $15) / hz }' "/proc/$1/stat"; }

# timed_wrk PID URL_BASE CHUNK: run_wrk against one server; prints the WRK line and the
# server's CPU seconds during it.
timed_wrk() {
	local c0 line
	c0=$(pid_cpu "$1")
	line=$(run_wrk "$2" "/v1/videos/stream/$video" "$3" "$viewer")
	echo "$line cpu_s=$(awk -v a="$c0" -v b="$(pid_cpu "$1")" 'BEGIN { print b - a }')"
}

# rate LINE CHUNK UNIT: MiB/s (bytes) or req/s (reqs) of a WRK summary line.
rate() {
	if [ "$3" = bytes ]; then
		awk -v r="$(field "$1" requests)" -v d="$(field "$1" duration_us)" -v c="$2" 'BEGIN { print r * c / (d / 1e6) / 1048576 }'
	else
		awk -v r="$(field "$1" requests)" -v d="$(field "$1" duration_us)" 'BEGIN { print r / (d / 1e6) }'
	fi
}

measure() {
	local name=$1 chunk=$2 kind unit target
	if [ "$name" = bulk_stream ]; then kind=bytes unit=MiB/s target=0.9; else kind=reqs unit=req/s target=0.5; fi
	local v o n c0 x0 s0 on=0 off=0
	c0=$(cpu_seconds "^$VMS_BIN serve")
	read -r x0 s0 < <(sql "$db" "SELECT (xact_commit + xact_rollback) || ' ' || sessions FROM pg_stat_database WHERE datname = current_database()")
	local requests=0 on_cpu=0 on_req=0 off_cpu=0 off_req=0
	for _ in $(seq 1 "$rounds"); do
		v=$(timed_wrk "$on_pid" "$base" "$chunk")
		o=$(timed_wrk "$off_pid" "$obase" "$chunk")
		on=$(awk -v a="$on" -v b="$(rate "$v" "$chunk" "$kind")" -v n="$rounds" 'BEGIN { print a + b / n }')
		off=$(awk -v a="$off" -v b="$(rate "$o" "$chunk" "$kind")" -v n="$rounds" 'BEGIN { print a + b / n }')
		on_cpu=$(awk -v a="$on_cpu" -v b="$(field "$v" cpu_s)" 'BEGIN { print a + b }')
		off_cpu=$(awk -v a="$off_cpu" -v b="$(field "$o" cpu_s)" 'BEGIN { print a + b }')
		on_req=$((on_req + $(field "$v" requests)))
		off_req=$((off_req + $(field "$o" requests)))
		requests=$((requests + $(field "$v" requests) + $(field "$o" requests)))
	done
	# Diagnostics of the vms runs (both servers): CPU time, database statements per request
	# and database sessions opened (connection churn when DB_MAX_IDLE_CONNS < the requests in flight).
	local c1 x1 s1
	c1=$(cpu_seconds "^$VMS_BIN serve")
	read -r x1 s1 < <(sql "$db" "SELECT (xact_commit + xact_rollback) || ' ' || sessions FROM pg_stat_database WHERE datname = current_database()")
	log "$name vms runs: cpu_s vms=$(awk -v a="$c0" -v b="$c1" 'BEGIN { print b - a }') db_statements_per_request=$(awk -v a="$x0" -v b="$x1" -v r="$requests" 'BEGIN { printf "%.2f", (b - a) / r }') db_sessions_opened=$((s1 - s0))"
	n=$(run_wrk "http://127.0.0.1:$nport" /video "$chunk" "")
	result "$name" vms "$on" nginx "$(rate "$n" "$chunk" "$kind")" "$unit" ">=" "$target"
	result "${name}_analytics" on "$on" off "$off" "$unit" ">=" 0.95
	result "${name}_analytics_cpu" on "$(awk -v c="$on_cpu" -v r="$on_req" 'BEGIN { print c * 1e6 / r }')" \
		off "$(awk -v c="$off_cpu" -v r="$off_req" 'BEGIN { print c * 1e6 / r }')" µs/req "<=" 1.05
}

case "${BENCH_ONLY:-all}" in
all) measure bulk_stream 1048576; measure request_rate 1024 ;;
bulk_stream) measure bulk_stream 1048576 ;;
request_rate) measure request_rate 1024 ;;
*) die "BENCH_ONLY must be bulk_stream or request_rate" ;;
esac
# Repeat views must not have written anything.
[ "$(sql "$db" "SELECT count(*) FROM video_view_logs")" = 1 ] || die "repeat views wrote view logs"
finish

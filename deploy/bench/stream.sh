#!/usr/bin/env bash
# Measures 1 and 2: a repeat viewer reading random aligned ranges of an uploaded video
# through GET /v1/videos/stream/{id} (wrk -c64), against nginx (sendfile) serving the very
# file vms stored. bulk_stream compares bytes/s with 1 MiB ranges (target ≥ 0.9),
# request_rate compares requests/s with 1 KiB ranges (target ≥ 0.5).
# Metering: metering_request_rate and metering_bulk_stream compare the same load against
# this server (USAGE_METERING on, the default) and a second one on the same database and
# files with USAGE_METERING=off, runs on, off, off, on, best of each side (target ≥ 0.95);
# then the egress bytes the metered server flushed must match what its responses carried.
# Env: DURATION (default 10s), SMOKE=1 (3 s, 32 MiB video), WRK_CONNECTIONS (64),
# BENCH_ONLY=bulk_stream|request_rate|metering.
source "$(dirname "$0")/lib/common.sh"
build_tools
need wrk

if [ "$SMOKE" = 1 ]; then size_mib=${VIDEO_MIB:-32}; else size_mib=${VIDEO_MIB:-256}; fi
conns=${WRK_CONNECTIONS:-64}
threads=$(nproc)

create_db stream
db=$DB_URL
port=$(free_port)
start_vms vms "$port" "$db"
metered_pid=$VMS_PID
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

nport=$(free_port)
start_nginx static.conf.tmpl "@PORT@=$nport" "@FILE@=$file" "@WORKERS@=$threads"
wait_http "http://127.0.0.1:$nport/video"
a=$(curl -fsS -H "Authorization: Bearer $viewer" -H 'Range: bytes=0-1048575' "$base/v1/videos/stream/$video" | sha256sum)
b=$(curl -fsS -H 'Range: bytes=0-1048575' "http://127.0.0.1:$nport/video" | sha256sum)
[ "$a" = "$b" ] || die "vms and nginx serve different bytes"

# served_metered: body bytes of completed responses of the metered server (its egress
# counts those, plus whatever went out of responses wrk cut at the end of a run).
served_metered=$((1 + 1048576))
metered_runs=0

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

measure() {
	local name=$1 chunk=$2
	local v n c0 x0 s0
	c0=$(cpu_seconds "^$VMS_BIN serve")
	read -r x0 s0 < <(sql "$db" "SELECT (xact_commit + xact_rollback) || ' ' || sessions FROM pg_stat_database WHERE datname = current_database()")
	v=$(run_wrk "$base" "/v1/videos/stream/$video" "$chunk" "$viewer")
	served_metered=$((served_metered + $(field "$v" requests) * chunk))
	metered_runs=$((metered_runs + 1))
	# Diagnostics of the vms run: its CPU time, database statements per request and database
	# sessions opened (connection churn when DB_MAX_IDLE_CONNS < the requests in flight).
	local c1 x1 s1
	c1=$(cpu_seconds "^$VMS_BIN serve")
	read -r x1 s1 < <(sql "$db" "SELECT (xact_commit + xact_rollback) || ' ' || sessions FROM pg_stat_database WHERE datname = current_database()")
	log "$name vms run: cpu_s vms=$(awk -v a="$c0" -v b="$c1" 'BEGIN { print b - a }') db_statements_per_request=$(awk -v a="$x0" -v b="$x1" -v r="$(field "$v" requests)" 'BEGIN { printf "%.2f", (b - a) / r }') db_sessions_opened=$((s1 - s0))"
	n=$(run_wrk "http://127.0.0.1:$nport" /video "$chunk" "")
	if [ "$name" = bulk_stream ]; then
		local vb nb
		vb=$(awk -v r="$(field "$v" requests)" -v d="$(field "$v" duration_us)" -v c="$chunk" 'BEGIN { print r * c / (d / 1e6) / 1048576 }')
		nb=$(awk -v r="$(field "$n" requests)" -v d="$(field "$n" duration_us)" -v c="$chunk" 'BEGIN { print r * c / (d / 1e6) / 1048576 }')
		result bulk_stream vms "$vb" nginx "$nb" MiB/s ">=" 0.9
	else
		local vr nr
		vr=$(awk -v r="$(field "$v" requests)" -v d="$(field "$v" duration_us)" 'BEGIN { print r / (d / 1e6) }')
		nr=$(awk -v r="$(field "$n" requests)" -v d="$(field "$n" duration_us)" 'BEGIN { print r / (d / 1e6) }')
		result request_rate vms "$vr" nginx "$nr" req/s ">=" 0.5
	fi
}

# rate SUMMARY CHUNK UNIT: MiB/s or req/s of a wrk run.
rate() {
	if [ "$3" = MiB/s ]; then
		awk -v r="$(field "$1" requests)" -v d="$(field "$1" duration_us)" -v c="$2" 'BEGIN { print r * c / (d / 1e6) / 1048576 }'
	else
		awk -v r="$(field "$1" requests)" -v d="$(field "$1" duration_us)" 'BEGIN { print r / (d / 1e6) }'
	fi
}

start_unmetered() {
	[ -n "${offbase:-}" ] && return 0
	local oport
	oport=$(free_port)
	# The same database and stored files, its own data folder, metering off.
	start_vms vms-off "$oport" "$db" USAGE_METERING=off STORAGE_URL="file://$WORK/vms/videos"
	offbase="http://127.0.0.1:$oport"
}

# measure_metering NAME CHUNK UNIT: the metered server against the unmetered one, in the
# order on, off, off, on (so neither side always runs first or warm); the best run of each
# side counts.
measure_metering() {
	local name=$1 chunk=$2 unit=$3 on=0 off=0 v r side
	start_unmetered
	for side in on off off on; do
		if [ "$side" = on ]; then
			v=$(run_wrk "$base" "/v1/videos/stream/$video" "$chunk" "$viewer")
			served_metered=$((served_metered + $(field "$v" requests) * chunk))
			metered_runs=$((metered_runs + 1))
			r=$(rate "$v" "$chunk" "$unit")
			on=$(awk -v a="$on" -v b="$r" 'BEGIN { print (b > a) ? b : a }')
		else
			v=$(run_wrk "$offbase" "/v1/videos/stream/$video" "$chunk" "$viewer")
			r=$(rate "$v" "$chunk" "$unit")
			off=$(awk -v a="$off" -v b="$r" 'BEGIN { print (b > a) ? b : a }')
		fi
	done
	result "$name" metering_on "$on" metering_off "$off" "$unit" ">=" 0.95
}

# check_egress: stop the metered server (its last flush runs at shutdown) and compare the
# egress it wrote with the bodies of the responses wrk completed; responses cut when a run
# ended add at most one chunk per connection and run.
check_egress() {
	local max_chunk=$1 egress upper
	stop_pid "$metered_pid"
	egress=$(sql "$db" "SELECT COALESCE(SUM(egress_bytes), 0) FROM usage_days")
	upper=$((served_metered + metered_runs * conns * max_chunk))
	check metering_egress "egress=${egress}B completed_bodies=${served_metered}B" \
		"$([ "$egress" -ge "$served_metered" ] && [ "$egress" -le "$upper" ] && echo 1 || echo 0)"
}

case "${BENCH_ONLY:-all}" in
all)
	measure bulk_stream 1048576
	measure request_rate 1024
	measure_metering metering_request_rate 1024 req/s
	measure_metering metering_bulk_stream 1048576 MiB/s
	check_egress 1048576
	;;
bulk_stream) measure bulk_stream 1048576 ;;
request_rate) measure request_rate 1024 ;;
metering)
	measure_metering metering_request_rate 1024 req/s
	measure_metering metering_bulk_stream 1048576 MiB/s
	check_egress 1048576
	;;
*) die "BENCH_ONLY must be bulk_stream, request_rate or metering" ;;
esac
# Repeat views must not have written anything.
[ "$(sql "$db" "SELECT count(*) FROM video_view_logs")" = 1 ] || die "repeat views wrote view logs"
finish

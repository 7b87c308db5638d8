#!/usr/bin/env bash
# Measure 8: media processing overhead. A 1280x720 H.264 + AAC clip made with ffmpeg's
# lavfi sources is uploaded N times through POST /v1/videos by JOB_WORKERS lanes (vmsload
# media): each lane uploads, polls GET /v1/videos/id/{id} every POLL_MS until media.status
# is ready, then uploads again, so at most JOB_WORKERS jobs are in the queue and none waits
# for a busy worker. Each video is timed from its 201 answer to the first answer saying
# ready. The reference runs the server's own ffprobe and poster commands (as in
# modules/media/adapters/ffmpeg) on the very file vms stored, N times, in JOB_WORKERS
# lanes, each pair timed from the start of ffprobe to the end of ffmpeg. Target: mean vms
# time ≤ 1.2 × mean direct time, on SQLite and on PostgreSQL. River's own metrics split the
# difference into queue wait (insert → a worker takes the job) and run time.
# Env: SMOKE=1 (10 s clip, 6 uploads), MEDIA_UPLOADS (20), CLIP_SECONDS (30), JOB_WORKERS
# (2, the server's default), POLL_MS (10), BENCH_ONLY=sqlite|postgres.
source "$(dirname "$0")/lib/common.sh"
export LC_ALL=C # $EPOCHREALTIME and awk with a decimal point
build_tools
need ffmpeg
need ffprobe ffmpeg
ffmpeg_bin=$(command -v ffmpeg)
ffprobe_bin=$(command -v ffprobe)

if [ "$SMOKE" = 1 ]; then n=${MEDIA_UPLOADS:-6} clip_s=${CLIP_SECONDS:-10}; else n=${MEDIA_UPLOADS:-20} clip_s=${CLIP_SECONDS:-30}; fi
workers=${JOB_WORKERS:-2}
poll_ms=${POLL_MS:-10}

clip="$WORK/clip.mp4"
log "making a ${clip_s} s 1280x720 H.264 + AAC clip"
"$ffmpeg_bin" -nostdin -v error -f lavfi -i "testsrc2=size=1280x720:rate=30:duration=$clip_s" \
	-f lavfi -i "sine=frequency=440:sample_rate=48000:duration=$clip_s" \
	-c:v libx264 -preset veryfast -pix_fmt yuv420p -c:a aac -b:a 128k -movflags +faststart -shortest "$clip" ||
	die "ffmpeg could not make the test clip"
duration=$("$ffprobe_bin" -v error -print_format json -show_format "$clip" | jq -r .format.duration)
# The server's poster offset: 1 s in, or 10 % of the duration when that is earlier.
offset=$(awk -v d="$duration" 'BEGIN { o = d / 10; if (o > 1) o = 1; printf "%.3f", o }')
log "clip: $(stat -c %s "$clip") bytes, ${duration} s, poster at ${offset} s"

# direct_lane FILE LANE COUNT: the pairs LANE, LANE+workers, … below COUNT; prints the
# milliseconds of each.
direct_lane() {
	local file=$1 i s e
	for ((i = $2; i < $3; i += workers)); do
		s=$EPOCHREALTIME
		"$ffprobe_bin" -v error -protocol_whitelist file -print_format json -show_format -show_streams \
			-i "file:$file" >"$WORK/direct/probe-$i.json" || return 1
		"$ffmpeg_bin" -nostdin -v error -protocol_whitelist file -ss "$offset" -i "file:$file" \
			-frames:v 1 -vf "scale='min(1280,iw)':-2" -q:v 3 -f image2 -c:v mjpeg pipe:1 >"$WORK/direct/poster-$i.jpg" || return 1
		e=$EPOCHREALTIME
		awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f\n", (e - s) * 1000 }'
	done
}

# direct FILE COUNT OUT: COUNT probe + poster pairs in `workers` lanes, their milliseconds
# appended to OUT; checks every output and prints the wall milliseconds.
direct() {
	local file=$1 count=$2 out=$3 lane pids=() t0 t1 i
	rm -rf "$WORK/direct"
	mkdir -p "$WORK/direct"
	t0=$EPOCHREALTIME
	for ((lane = 0; lane < workers; lane++)); do
		direct_lane "$file" "$lane" "$count" >"$WORK/direct/lane-$lane" &
		pids+=($!)
	done
	for i in "${pids[@]}"; do wait "$i" || die "a direct ffprobe/ffmpeg run failed"; done
	t1=$EPOCHREALTIME
	for ((i = 0; i < count; i++)); do
		[ "$(jq -r .format.duration "$WORK/direct/probe-$i.json")" = "$duration" ] || die "direct ffprobe $i: no duration"
		[ "$(head -c 2 "$WORK/direct/poster-$i.jpg" | od -An -tx1 | tr -d ' \n')" = ffd8 ] || die "direct poster $i is not a JPEG"
	done
	cat "$WORK"/direct/lane-* >>"$out"
	awk -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%.3f\n", (t1 - t0) * 1000 }'
}

# stats FILE: count, mean and nearest-rank percentiles of the milliseconds in FILE.
stats() {
	sort -g "$1" | awk '{ d[NR] = $1; s += $1 }
		function p(q, r) { r = int(q * NR + 0.999999); if (r < 1) r = 1; return d[r] }
		END { printf "n=%d mean_ms=%.3f p50_ms=%.3f p90_ms=%.3f max_ms=%.3f\n", NR, s / NR, p(0.5), p(0.9), d[NR] }'
}

# job_stat BASE NAME: the sum of a media_process job metric's samples (histogram _sum, _count).
job_stat() {
	curl -fsS "$1/metrics" | awk -v n="$2" '$1 == n "{kind=\"media_process\"}" { s += $2 } END { printf "%.6f\n", s }'
}

# measure BACKEND DATABASE_URL
measure() {
	local backend=$1 db=$2
	local port base admin
	port=$(free_port)
	start_vms "$backend" "$port" "$db" MEDIA_PROCESSING=required FFMPEG_PATH="$ffmpeg_bin" FFPROBE_PATH="$ffprobe_bin" \
		JOB_WORKERS="$workers"
	base="http://127.0.0.1:$port"
	signup "$base" "Bench Media $$" "admin-$$@bench.example" "bench-password-1" >/dev/null
	admin=$(login "$base" "admin-$$@bench.example" "bench-password-1")
	local vl=("$VMSLOAD_BIN" media -base "$base" -token "$admin" -file "$clip" -c "$workers" -poll "${poll_ms}ms" -each)

	# One upload first: warms the server, the tools and the page cache, and gives the stored file.
	local out
	out=$("${vl[@]}" -n 1)
	[ "$(field "$(grep '^MEDIA n=' <<<"$out")" failed)" = 0 ] || die "$backend warm-up: $out"
	local stored
	stored=$(find "$WORK/$backend/videos" -type f -size "$(stat -c %s "$clip")c" -exec cmp -s {} "$clip" \; -print -quit)
	[ -n "$stored" ] || die "$backend: the stored original is not under $WORK/$backend/videos"
	direct "$stored" 1 /dev/null >/dev/null # a warm-up pair

	local w0 wc0 r0 rc0
	w0=$(job_stat "$base" vms_job_queue_wait_seconds_sum)
	wc0=$(job_stat "$base" vms_job_queue_wait_seconds_count)
	r0=$(job_stat "$base" vms_job_duration_seconds_sum)
	rc0=$(job_stat "$base" vms_job_duration_seconds_count)
	# Rounds of `workers` videos through vms and `workers` direct pairs, alternating which
	# goes first, so load from outside the benchmark falls on both alike.
	local vms_ms="$WORK/$backend.vms" up_ms="$WORK/$backend.upload" ref_ms="$WORK/$backend.direct"
	: >"$vms_ms" && : >"$up_ms" && : >"$ref_ms"
	local rounds=$(((n + workers - 1) / workers)) r vms_wall=0 ref_wall=0 polls=0 line wall
	for ((r = 0; r < rounds; r++)); do
		local order="vms direct"
		[ $((r % 2)) = 1 ] && order="direct vms"
		local side
		for side in $order; do
			if [ "$side" = vms ]; then
				out=$("${vl[@]}" -n "$workers")
				line=$(grep '^MEDIA n=' <<<"$out")
				[[ "$(field "$line" failed)" = 0 && "$(field "$line" n)" = "$workers" ]] || die "$backend uploads failed: $out"
				grep '^MEDIA video=' <<<"$out" | while read -r l; do field "$l" processing_ms; done >>"$vms_ms"
				grep '^MEDIA video=' <<<"$out" | while read -r l; do field "$l" upload_ms; done >>"$up_ms"
				vms_wall=$(awk -v a="$vms_wall" -v b="$(field "$line" wall_ms)" 'BEGIN { print a + b }')
				polls=$((polls + $(field "$line" polls)))
			else
				wall=$(direct "$stored" "$workers" "$ref_ms")
				ref_wall=$(awk -v a="$ref_wall" -v b="$wall" 'BEGIN { print a + b }')
			fi
		done
	done
	# River reports a job's completion after the worker returns (the media is ready before).
	local total=$((rounds * workers)) wc1 rc1
	for _ in $(seq 1 100); do
		wc1=$(job_stat "$base" vms_job_queue_wait_seconds_count)
		rc1=$(job_stat "$base" vms_job_duration_seconds_count)
		awk -v a="$wc1" -v b="$wc0" -v m="$total" 'BEGIN { exit !(a - b >= m) }' && break
		sleep 0.1
	done
	local w1 r1 wait_ms run_ms
	w1=$(job_stat "$base" vms_job_queue_wait_seconds_sum)
	r1=$(job_stat "$base" vms_job_duration_seconds_sum)
	wait_ms=$(awk -v a="$w0" -v b="$w1" -v ca="$wc0" -v cb="$wc1" 'BEGIN { printf "%.3f", (cb > ca) ? (b - a) / (cb - ca) * 1000 : 0 }')
	run_ms=$(awk -v a="$r0" -v b="$r1" -v ca="$rc0" -v cb="$rc1" 'BEGIN { printf "%.3f", (cb > ca) ? (b - a) / (cb - ca) * 1000 : 0 }')
	stop_pid "$VMS_PID"

	local vs rs
	vs=$(stats "$vms_ms")
	rs=$(stats "$ref_ms")
	log "$backend vms (201 to ready): $vs wall_ms=$vms_wall polls=$polls upload_mean_ms=$(field "$(stats "$up_ms")" mean_ms)"
	log "$backend direct (ffprobe + ffmpeg): $rs wall_ms=$ref_wall"
	log "$backend River, mean per job: queue wait ${wait_ms}ms, run ${run_ms}ms (jobs $(awk -v a="$wc0" -v b="$wc1" 'BEGIN { print b - a }'))"
	result "processing_$backend" vms "$(field "$vs" mean_ms)" direct "$(field "$rs" mean_ms)" ms "<=" 1.2
}

case "${BENCH_ONLY:-all}" in
all | sqlite | postgres) ;;
*) die "BENCH_ONLY must be sqlite or postgres" ;;
esac
if [ "${BENCH_ONLY:-all}" != postgres ]; then
	measure sqlite "sqlite://$WORK/sqlite/vms.db"
fi
if [ "${BENCH_ONLY:-all}" != sqlite ]; then
	create_db processing
	measure postgres "$DB_URL"
fi
finish

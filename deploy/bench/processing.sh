#!/usr/bin/env bash
# Measure 8: media processing overhead, on SQLite and on PostgreSQL. A 1280x720 H.264 + AAC
# clip made with ffmpeg's lavfi sources (about 1.5 Mbit/s) is uploaded through POST
# /v1/videos (vmsload media, polling GET /v1/videos/id/{id} every POLL_MS); the reference
# runs the server's own three steps (modules/media/adapters/ffmpeg) on the very file vms
# stored: ffprobe, the poster, and the HLS transcode of the HLS_LADDER rungs with the exact
# arguments the server builds (vmsload hlsargs prints ffmpeg.TranscodeArgs), run in an empty
# folder.
#   processing_<db>: N uploads one after the other; the time from the first 201 to the
#     answer showing the last video ready, vs N direct probe + poster + transcode runs in
#     JOB_WORKERS lanes, timed start to end. MEDIA_BATCHES batches, each between two direct runs; the
#     means are compared. Both sides keep JOB_WORKERS videos in work from start to end.
#     Target ≤ 1.2.
#   processing_latency_<db>: one video at a time, N times: mean time from the 201 to the
#     first answer saying ready, vs the mean time of one direct run (alternating). Target
#     ≤ 1.2.
# River's metrics split the difference into queue wait (insert → a worker takes the job)
# and run time; the log prints them.
# Env: SMOKE=1 (2 s clip, 2 uploads, 1 batch), MEDIA_UPLOADS (4), MEDIA_BATCHES (2),
# CLIP_SECONDS (10), JOB_WORKERS (2, the server's default), HLS_LADDER (360,720,1080, given
# to vms and to the reference alike), POLL_MS (10), BENCH_ONLY=sqlite|postgres.
source "$(dirname "$0")/lib/common.sh"
export LC_ALL=C # $EPOCHREALTIME and awk with a decimal point
build_tools
need ffmpeg
need ffprobe ffmpeg
ffmpeg_bin=$(command -v ffmpeg)
ffprobe_bin=$(command -v ffprobe)

if [ "$SMOKE" = 1 ]; then n=${MEDIA_UPLOADS:-2} clip_s=${CLIP_SECONDS:-2} batches=${MEDIA_BATCHES:-1}; else
	n=${MEDIA_UPLOADS:-4} clip_s=${CLIP_SECONDS:-10} batches=${MEDIA_BATCHES:-2}
fi
workers=${JOB_WORKERS:-2}
poll_ms=${POLL_MS:-10}
ladder=${HLS_LADDER:-360,720,1080}

clip="$WORK/clip.mp4"
log "making a ${clip_s} s 1280x720 H.264 + AAC clip"
"$ffmpeg_bin" -nostdin -v error -f lavfi -i "testsrc2=size=1280x720:rate=30:duration=$clip_s" \
	-f lavfi -i "sine=frequency=440:sample_rate=48000:duration=$clip_s" \
	-c:v libx264 -preset veryfast -crf 28 -pix_fmt yuv420p -c:a aac -b:a 128k -movflags +faststart -shortest "$clip" ||
	die "ffmpeg could not make the test clip"
duration=$("$ffprobe_bin" -v error -print_format json -show_format "$clip" | jq -r .format.duration)
# The server's poster offset: 1 s in, or 10 % of the duration when that is earlier.
offset=$(awk -v d="$duration" 'BEGIN { o = d / 10; if (o > 1) o = 1; printf "%.3f", o }')
log "clip: $(stat -c %s "$clip") bytes, ${duration} s, poster at ${offset} s"

# hls_args FILE: sets transcode_args to the server's ffmpeg arguments of FILE's transcode.
hls_args() {
	mapfile -t transcode_args < <("$VMSLOAD_BIN" hlsargs -file "$1" -ladder "$ladder" -ffprobe "$ffprobe_bin" -ffmpeg "$ffmpeg_bin" 2>/dev/null)
	[ "${#transcode_args[@]}" -gt 10 ] || die "vmsload hlsargs gave no arguments for $1"
}

# direct_lane FILE FIRST STEP COUNT: the runs FIRST, FIRST+STEP, … below COUNT (ffprobe,
# poster, transcode in an empty folder, as the server's job); prints the milliseconds of
# each. The arguments of the transcode name FILE (hls_args).
direct_lane() {
	local file=$1 i s e
	for ((i = $2; i < $4; i += $3)); do
		s=$EPOCHREALTIME
		"$ffprobe_bin" -v error -protocol_whitelist file -print_format json -show_format -show_streams \
			-i "file:$file" >"$WORK/direct/probe-$i.json" || return 1
		"$ffmpeg_bin" -nostdin -v error -protocol_whitelist file -ss "$offset" -i "file:$file" \
			-frames:v 1 -vf "scale='min(1280,iw)':-2" -q:v 3 -f image2 -c:v mjpeg pipe:1 >"$WORK/direct/poster-$i.jpg" || return 1
		mkdir "$WORK/direct/hls-$i"
		(cd "$WORK/direct/hls-$i" && "$ffmpeg_bin" "${transcode_args[@]}") || return 1
		e=$EPOCHREALTIME
		awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f\n", (e - s) * 1000 }'
	done
}

# direct FILE COUNT LANES OUT: COUNT probe + poster + transcode runs in LANES lanes, the
# milliseconds of each appended to OUT; checks every output and prints the wall milliseconds.
direct() {
	local file=$1 count=$2 lanes=$3 out=$4 lane pids=() t0 t1 i
	rm -rf "$WORK/direct"
	mkdir -p "$WORK/direct"
	t0=$EPOCHREALTIME
	for ((lane = 0; lane < lanes; lane++)); do
		direct_lane "$file" "$lane" "$lanes" "$count" >"$WORK/direct/lane-$lane" &
		pids+=($!)
	done
	for i in "${pids[@]}"; do wait "$i" || die "a direct ffprobe/ffmpeg run failed"; done
	t1=$EPOCHREALTIME
	for ((i = 0; i < count; i++)); do
		[ "$(jq -r .format.duration "$WORK/direct/probe-$i.json")" = "$duration" ] || die "direct ffprobe $i: no duration"
		[ "$(head -c 2 "$WORK/direct/poster-$i.jpg" | od -An -tx1 | tr -d ' \n')" = ffd8 ] || die "direct poster $i is not a JPEG"
		[ -s "$WORK/direct/hls-$i/master.m3u8" ] || die "direct transcode $i wrote no master playlist"
		[ "$(find "$WORK/direct/hls-$i" -name 'seg_*.m4s' | wc -l)" -ge "$rungs" ] || die "direct transcode $i wrote too few segments"
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

# job_totals BASE: "wait_sum wait_count run_sum run_count" of the media_process jobs in
# River's metrics (seconds).
job_totals() {
	curl -fsS "$1/metrics" | awk -v k='{kind="media_process"}' '
		$1 == "vms_job_queue_wait_seconds_sum" k { ws = $2 }
		$1 == "vms_job_queue_wait_seconds_count" k { wc = $2 }
		$1 == "vms_job_duration_seconds_sum" k { rs = $2 }
		$1 == "vms_job_duration_seconds_count" k { rc = $2 }
		END { printf "%.6f %d %.6f %d\n", ws, wc, rs, rc }'
}

# job_means BASE BEFORE COUNT: waits until River has reported COUNT more jobs than BEFORE (a
# job_totals line; completion is reported after the media is ready), then prints their mean
# queue wait and run time in milliseconds: "WAIT RUN".
job_means() {
	local ws wc rs rc now
	read -r ws wc rs rc <<<"$2"
	for _ in $(seq 1 100); do
		now=$(job_totals "$1")
		[ "$(awk '{ print $2 }' <<<"$now")" -ge $((wc + $3)) ] && break
		sleep 0.1
	done
	awk -v ws="$ws" -v wc="$wc" -v rs="$rs" -v rc="$rc" '{
		printf "%.3f %.3f\n", ($2 > wc) ? ($1 - ws) / ($2 - wc) * 1000 : 0, ($4 > rc) ? ($3 - rs) / ($4 - rc) * 1000 : 0
	}' <<<"$now"
}

# measure BACKEND DATABASE_URL
measure() {
	local backend=$1 db=$2
	local port base admin
	port=$(free_port)
	start_vms "$backend" "$port" "$db" MEDIA_PROCESSING=required FFMPEG_PATH="$ffmpeg_bin" FFPROBE_PATH="$ffprobe_bin" \
		JOB_WORKERS="$workers" HLS_LADDER="$ladder"
	base="http://127.0.0.1:$port"
	signup "$base" "Bench Media $$" "admin-$$@bench.example" "bench-password-1" >/dev/null
	admin=$(login "$base" "admin-$$@bench.example" "bench-password-1")
	local vl=("$VMSLOAD_BIN" media -base "$base" -token "$admin" -file "$clip" -poll "${poll_ms}ms" -timeout 10m)

	# One upload first: warms the server, the tools and the page cache, and gives the stored file.
	local out line
	out=$("${vl[@]}" -n 1 -c 1 -each)
	[ "$(field "$(grep '^MEDIA n=' <<<"$out")" failed)" = 0 ] || die "$backend warm-up: $out"
	local first
	first=$(field "$(grep '^MEDIA video=' <<<"$out")" video)
	local stored
	stored=$(find "$WORK/$backend/videos" -type f -size "$(stat -c %s "$clip")c" -exec cmp -s {} "$clip" \; -print -quit)
	[ -n "$stored" ] || die "$backend: the stored original is not under $WORK/$backend/videos"
	hls_args "$stored"
	rungs=$(grep -o ',name:' <<<"${transcode_args[*]}" | wc -l)
	local rendered
	rendered=$(api GET "$base/v1/videos/id/$first" -H "Authorization: Bearer $admin" | jq '.media.renditions | length')
	[ "$rendered" = "$rungs" ] || die "$backend: the warm-up video has $rendered renditions, the reference plans $rungs"
	log "$backend: $rungs renditions (HLS_LADDER=$ladder); direct transcode: ffmpeg ${transcode_args[*]}"
	direct "$stored" 1 1 /dev/null >/dev/null # a warm-up run

	# processing_<db>: batches of n, each between two direct runs (D V D V D …).
	local pairs="$WORK/$backend.batch-pairs" before r vms_walls=() ref_walls=() means
	: >"$pairs"
	ref_walls+=("$(direct "$stored" "$n" "$workers" "$pairs")")
	before=$(job_totals "$base")
	for ((r = 0; r < batches; r++)); do
		out=$("${vl[@]}" -batch -n "$n")
		line=$(grep '^MEDIA batch' <<<"$out") || die "$backend batch: $out"
		[[ "$(field "$line" failed)" = 0 && "$(field "$line" n)" = "$n" ]] || die "$backend batch failed: $out"
		vms_walls+=("$(field "$line" wall_ms)")
		log "$backend batch $((r + 1)) of $n, $workers at a time: vms ${vms_walls[-1]}ms from the first 201 to all ready" \
			"(uploads $(field "$line" uploads_ms)ms, polls $(field "$line" polls))"
		if [ "$r" = 0 ]; then means=$(job_means "$base" "$before" "$n"); fi
		ref_walls+=("$(direct "$stored" "$n" "$workers" "$pairs")")
	done
	local vms_wall ref_wall
	vms_wall=$(printf '%s\n' "${vms_walls[@]}" | awk '{ s += $1 } END { printf "%.3f", s / NR }')
	ref_wall=$(printf '%s\n' "${ref_walls[@]}" | awk '{ s += $1 } END { printf "%.3f", s / NR }')
	log "$backend direct runs of $n videos, $workers at a time: ${ref_walls[*]} ms"
	log "$backend first batch per video: River queue wait ${means% *}ms, job run ${means#* }ms; direct run $(field "$(stats "$pairs")" mean_ms)ms"
	result "processing_$backend" vms "$vms_wall" direct "$ref_wall" ms "<=" 1.2

	# processing_latency_<db>: one video at a time, alternating which side goes first.
	local vms_ms="$WORK/$backend.vms" ref_ms="$WORK/$backend.direct" i order side
	: >"$vms_ms" && : >"$ref_ms"
	before=$(job_totals "$base")
	for ((i = 0; i < n; i++)); do
		order="vms direct"
		[ $((i % 2)) = 0 ] || order="direct vms"
		for side in $order; do
			if [ "$side" = vms ]; then
				out=$("${vl[@]}" -n 1 -c 1 -each)
				line=$(grep '^MEDIA n=' <<<"$out")
				[[ "$(field "$line" failed)" = 0 && "$(field "$line" n)" = 1 ]] || die "$backend upload failed: $out"
				field "$(grep '^MEDIA video=' <<<"$out")" processing_ms >>"$vms_ms"
			else
				direct "$stored" 1 1 "$ref_ms" >/dev/null
			fi
		done
	done
	means=$(job_means "$base" "$before" "$n")
	stop_pid "$VMS_PID"
	local vs rs
	vs=$(stats "$vms_ms")
	rs=$(stats "$ref_ms")
	log "$backend one at a time: vms (201 to ready) $vs; direct run $rs"
	log "$backend one at a time per video: River queue wait ${means% *}ms, job run ${means#* }ms"
	result "processing_latency_$backend" vms "$(field "$vs" mean_ms)" direct "$(field "$rs" mean_ms)" ms "<=" 1.2
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

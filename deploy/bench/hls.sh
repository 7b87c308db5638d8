#!/usr/bin/env bash
# Measure 9: adaptive streaming (HLS). A 1280x720 H.264 + AAC clip made with ffmpeg's lavfi
# sources is uploaded to vms (PostgreSQL, MEDIA_PROCESSING=required, HLS_LADDER) and
# processed into HLS renditions.
#   hls_segments: a repeat viewer (Bearer token; one warm-up segment fetch records the view
#     first) GETs every media segment of every rendition in turn, as listed by the media
#     playlists, through GET /v1/videos/{id}/hls/{rendition}/{file} (wrk -c64, paths.lua),
#     against nginx (sendfile) serving the very same files, copied out of the storage by
#     the keys of media_hls_files under the same relative paths. Bytes/s (wire bytes,
#     headers included), target ≥ 0.9.
#   hls_transcode: one video at a time, HLS_ROUNDS times: the mean time from the upload's
#     201 to the first answer saying media.status ready (vmsload media; River queue wait,
#     ffprobe, poster, transcode, storing every file, the database) vs the mean time of
#     the same three tool runs made directly by the script on the stored original
#     (ffprobe, the poster, ffmpeg with the server's own transcode arguments from vmsload
#     hlsargs, in an empty folder), alternating. Target ≤ 1.1.
# Env: DURATION (default 10s), SMOKE=1 (3 s, 6 s clip, 1 round), CLIP_SECONDS (40),
# HLS_ROUNDS (2), HLS_LADDER (360,720,1080, for vms and the reference alike),
# WRK_CONNECTIONS (64), POLL_MS (10), BENCH_ONLY=hls_segments|hls_transcode.
source "$(dirname "$0")/lib/common.sh"
export LC_ALL=C # $EPOCHREALTIME and awk with a decimal point
build_tools
need wrk
need ffmpeg
need ffprobe ffmpeg
ffmpeg_bin=$(command -v ffmpeg)
ffprobe_bin=$(command -v ffprobe)

if [ "$SMOKE" = 1 ]; then clip_s=${CLIP_SECONDS:-6} rounds=${HLS_ROUNDS:-1}; else
	clip_s=${CLIP_SECONDS:-40} rounds=${HLS_ROUNDS:-2}
fi
ladder=${HLS_LADDER:-360,720,1080}
conns=${WRK_CONNECTIONS:-64}
threads=$(nproc)
only=${BENCH_ONLY:-all}
case "$only" in all | hls_segments | hls_transcode) ;; *) die "BENCH_ONLY must be hls_segments or hls_transcode" ;; esac

clip="$WORK/clip.mp4"
log "making a ${clip_s} s 1280x720 H.264 + AAC clip"
"$ffmpeg_bin" -nostdin -v error -f lavfi -i "testsrc2=size=1280x720:rate=30:duration=$clip_s" \
	-f lavfi -i "sine=frequency=440:sample_rate=48000:duration=$clip_s" \
	-c:v libx264 -preset veryfast -crf 28 -pix_fmt yuv420p -c:a aac -b:a 128k -movflags +faststart -shortest "$clip" ||
	die "ffmpeg could not make the test clip"
duration=$("$ffprobe_bin" -v error -print_format json -show_format "$clip" | jq -r .format.duration)
# The server's poster offset: 1 s in, or 10 % of the duration when that is earlier.
offset=$(awk -v d="$duration" 'BEGIN { o = d / 10; if (o > 1) o = 1; printf "%.3f", o }')

create_db hls
db=$DB_URL
db_name=${BENCH_DBS[-1]}
port=$(free_port)
start_vms vms "$port" "$db" MEDIA_PROCESSING=required FFMPEG_PATH="$ffmpeg_bin" FFPROBE_PATH="$ffprobe_bin" HLS_LADDER="$ladder"
base="http://127.0.0.1:$port"
signup "$base" "Bench HLS $$" "admin-$$@bench.example" "bench-password-1" >/dev/null
admin=$(login "$base" "admin-$$@bench.example" "bench-password-1")
api POST "$base/v1/users" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
	-d "{\"email\":\"viewer-$$@bench.example\",\"password\":\"bench-password-2\",\"role\":\"guest\"}" >/dev/null
viewer=$(login "$base" "viewer-$$@bench.example" "bench-password-2")
vl=("$VMSLOAD_BIN" media -base "$base" -token "$admin" -file "$clip" -poll "${POLL_MS:-10}ms" -timeout 20m)

# upload_one: one upload through vmsload, waited for until ready; prints its MEDIA video= line.
upload_one() {
	local out line
	out=$("${vl[@]}" -n 1 -c 1 -each)
	line=$(grep '^MEDIA n=' <<<"$out")
	[[ "$(field "$line" failed)" = 0 && "$(field "$line" n)" = 1 ]] || die "upload failed: $out"
	grep '^MEDIA video=' <<<"$out"
}

log "uploading the $(stat -c %s "$clip") byte, ${duration} s clip and waiting until it is ready"
first=$(upload_one)
video=$(field "$first" video)
log "video $video ready $(field "$first" processing_ms) ms after its 201 (the warm-up)"
key=$(sql "$db" "SELECT storage_key FROM videos WHERE id = $video")
stored="$WORK/vms/videos/$key"
[ -f "$stored" ] || die "stored original $stored not found"
mapfile -t transcode_args < <("$VMSLOAD_BIN" hlsargs -file "$stored" -ladder "$ladder" -ffprobe "$ffprobe_bin" -ffmpeg "$ffmpeg_bin" 2>/dev/null)
[ "${#transcode_args[@]}" -gt 10 ] || die "vmsload hlsargs gave no arguments for $stored"
rungs=$(grep -o ',name:' <<<"${transcode_args[*]}" | wc -l)
[ "$(api GET "$base/v1/videos/id/$video" -H "Authorization: Bearer $admin" | jq '.media.renditions | length')" = "$rungs" ] ||
	die "vms made another number of renditions than the reference's $rungs"
log "$rungs renditions (HLS_LADDER=$ladder); direct transcode: ffmpeg ${transcode_args[*]}"

# hls_segments ----------------------------------------------------------------------------
measure_segments() {
	local paths="$WORK/segments.txt" hls="/v1/videos/$video/hls" uri rendition seg master
	: >"$paths"
	master=$(api GET "$base$hls/master.m3u8" -H "Authorization: Bearer $viewer")
	while IFS= read -r uri; do
		rendition=${uri%%/*}
		while IFS= read -r seg; do
			echo "$hls/$rendition/$seg" >>"$paths"
		done < <(api GET "$base$hls/$uri" -H "Authorization: Bearer $viewer" | tr -d '\r' | grep -v '^#' | grep .)
	done < <(tr -d '\r' <<<"$master" | grep -v '^#' | grep .)
	local count
	count=$(wc -l <"$paths")
	[ "$count" -ge "$rungs" ] || die "the media playlists list $count segments"

	# The first segment records the view; wrk then measures a repeat viewer.
	local code
	code=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $viewer" "$base$(head -1 "$paths")")
	[ "$code" = 200 ] || die "first segment: status $code"
	[ "$(sql "$db" "SELECT count(*) FROM video_view_logs")" = 1 ] || die "the first segment did not record the view"

	# nginx serves the stored files under the same paths (the ?v= query is ignored).
	local root="$WORK/hlsroot" path skey
	while IFS='|' read -r path skey; do
		mkdir -p "$(dirname "$root$hls/$path")"
		cp "$WORK/vms/videos/$skey" "$root$hls/$path"
	done < <(sql "$db" "SELECT path, storage_key FROM media_hls_files WHERE video_id = $video")
	# nginx on a free port; once more on another when it does not answer (a port taken
	# meanwhile), with its logs when it fails again.
	local nport attempt up=0
	for attempt in 1 2; do
		nport=$(free_port)
		start_nginx tree.conf.tmpl "@PORT@=$nport" "@ROOT@=$root" "@WORKERS@=$threads"
		for _ in $(seq 1 100); do
			if curl -s -o /dev/null "http://127.0.0.1:$nport/"; then up=1 && break; fi
			kill -0 "$NGINX_PID" 2>/dev/null || break
			sleep 0.1
		done
		[ "$up" = 0 ] || break
		log "nginx attempt $attempt on port $nport does not answer: $(tail -3 "$WORK/nginx/logs/error.log" "$WORK/nginx/stdout.log" 2>/dev/null | tr '\n' ' ')"
		stop_pid "$NGINX_PID"
	done
	[ "$up" = 1 ] || die "nginx does not answer"
	local bytes=0 a b size
	while IFS= read -r path; do
		a=$(curl -fsS -H "Authorization: Bearer $viewer" "$base$path" | sha256sum)
		b=$(curl -fsS "http://127.0.0.1:$nport$path" | sha256sum)
		[ "$a" = "$b" ] || die "vms and nginx serve different bytes at $path"
		size=$(curl -fsS -o /dev/null -w '%{size_download}' "http://127.0.0.1:$nport$path")
		bytes=$((bytes + size))
	done <"$paths"
	log "$count segments of $rungs renditions, $((bytes / count)) bytes on average"

	# run_wrk URL_BASE TOKEN: prints the WRK summary line.
	run_wrk() {
		local out line
		out=$(BENCH_PATHS=$paths BENCH_TOKEN=$2 wrk -t"$threads" -c"$conns" -d"$DURATION" -s "$BENCH_DIR/paths.lua" "$1" 2>&1) ||
			die "wrk failed: $out"
		line=$(grep '^WRK ' <<<"$out") || die "no wrk summary: $out"
		[ "$(field "$line" status_errors)" = 0 ] || die "error statuses from $1: $line"
		[ "$(field "$line" requests)" -gt 0 ] || die "no requests completed against $1: $line"
		log "$1: $line"
		echo "$line"
	}
	# Diagnostics of the vms run: the CPU time of vms and of the database's sessions, and
	# database statements per request.
	local c0 c1 p0 p1 x0 x1 v n
	c0=$(cpu_seconds "^$VMS_BIN serve")
	p0=$(cpu_seconds "postgres: .* ${db_name} ")
	x0=$(sql "$db" "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()")
	v=$(run_wrk "$base" "$viewer")
	c1=$(cpu_seconds "^$VMS_BIN serve")
	p1=$(cpu_seconds "postgres: .* ${db_name} ")
	x1=$(sql "$db" "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()")
	log "hls_segments vms run: cpu_s vms=$(awk -v a="$c0" -v b="$c1" 'BEGIN { print b - a }') postgres=$(awk -v a="$p0" -v b="$p1" 'BEGIN { print b - a }')" \
		"db_statements_per_request=$(awk -v a="$x0" -v b="$x1" -v r="$(field "$v" requests)" 'BEGIN { printf "%.2f", (b - a) / r }')"
	local w0 w1
	w0=$(nginx_cpu)
	n=$(run_wrk "http://127.0.0.1:$nport" "")
	w1=$(nginx_cpu)
	log "hls_segments CPU ms per request: vms $(awk -v a="$c0" -v b="$c1" -v r="$(field "$v" requests)" 'BEGIN { printf "%.3f", (b - a) * 1000 / r }')" \
		"+ postgres $(awk -v a="$p0" -v b="$p1" -v r="$(field "$v" requests)" 'BEGIN { printf "%.3f", (b - a) * 1000 / r }');" \
		"nginx workers $(awk -v a="$w0" -v b="$w1" -v r="$(field "$n" requests)" 'BEGIN { printf "%.3f", (b - a) * 1000 / r }')"
	local vb nb vr nr
	vb=$(awk -v b="$(field "$v" bytes)" -v d="$(field "$v" duration_us)" 'BEGIN { print b / (d / 1e6) / 1048576 }')
	nb=$(awk -v b="$(field "$n" bytes)" -v d="$(field "$n" duration_us)" 'BEGIN { print b / (d / 1e6) / 1048576 }')
	vr=$(awk -v r="$(field "$v" requests)" -v d="$(field "$v" duration_us)" 'BEGIN { printf "%.1f", r / (d / 1e6) }')
	nr=$(awk -v r="$(field "$n" requests)" -v d="$(field "$n" duration_us)" 'BEGIN { printf "%.1f", r / (d / 1e6) }')
	log "hls_segments requests/s: vms $vr, nginx $nr"
	result hls_segments vms "$vb" nginx "$nb" MiB/s ">=" 0.9
	stop_pid "$NGINX_PID"
	# Repeat views must not have written anything.
	[ "$(sql "$db" "SELECT count(*) FROM video_view_logs")" = 1 ] || die "repeat segment fetches wrote view logs"
}

# nginx_cpu: CPU seconds used so far by the workers of this script's nginx.
nginx_cpu() {
	local hz pid total=0 t
	hz=$(getconf CLK_TCK)
	for pid in $(pgrep -P "$NGINX_PID" || true); do
		t=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)
		total=$((total + t))
	done
	awk -v t="$total" -v hz="$hz" 'BEGIN { printf "%.2f\n", t / hz }'
}

# children_cpu PID: CPU seconds (user + system) of the children PID has waited for: for vms
# its ffprobe and ffmpeg runs, for this shell the direct runs.
children_cpu() {
	awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($16 + $17) / hz }' "/proc/$1/stat"
}

# hls_transcode ---------------------------------------------------------------------------
# direct_once OUT: ffprobe, the poster and the transcode (in an empty folder) on the stored
# original, as the job runs them; appends the milliseconds to OUT.
direct_once() {
	local dir="$WORK/direct" s e
	rm -rf "$dir"
	mkdir -p "$dir"
	s=$EPOCHREALTIME
	"$ffprobe_bin" -v error -protocol_whitelist file -print_format json -show_format -show_streams \
		-i "file:$stored" >"$dir/probe.json" || die "direct ffprobe failed"
	"$ffmpeg_bin" -nostdin -v error -protocol_whitelist file -ss "$offset" -i "file:$stored" \
		-frames:v 1 -vf "scale='min(1280,iw)':-2" -q:v 3 -f image2 -c:v mjpeg pipe:1 >"$dir/poster.jpg" || die "direct poster failed"
	mkdir "$dir/hls"
	(cd "$dir/hls" && "$ffmpeg_bin" "${transcode_args[@]}") || die "direct transcode failed"
	e=$EPOCHREALTIME
	[ "$(jq -r .format.duration "$dir/probe.json")" = "$duration" ] || die "direct ffprobe: no duration"
	[ "$(head -c 2 "$dir/poster.jpg" | od -An -tx1 | tr -d ' \n')" = ffd8 ] || die "direct poster is not a JPEG"
	[ -s "$dir/hls/master.m3u8" ] || die "direct transcode wrote no master playlist"
	[ "$(find "$dir/hls" -name 'seg_*.m4s' | wc -l)" -ge "$rungs" ] || die "direct transcode wrote too few segments"
	awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f\n", (e - s) * 1000 }' >>"$1"
}

# job_totals: "wait_sum wait_count run_sum run_count" of the media_process jobs in River's
# metrics (seconds).
job_totals() {
	curl -fsS "$base/metrics" | awk -v k='{kind="media_process"}' '
		$1 == "vms_job_queue_wait_seconds_sum" k { ws = $2 }
		$1 == "vms_job_queue_wait_seconds_count" k { wc = $2 }
		$1 == "vms_job_duration_seconds_sum" k { rs = $2 }
		$1 == "vms_job_duration_seconds_count" k { rc = $2 }
		END { printf "%.6f %d %.6f %d\n", ws, wc, rs, rc }'
}

measure_transcode() {
	local vms_ms="$WORK/transcode.vms" ref_ms="$WORK/transcode.direct" i side order before line c0 c1
	: >"$vms_ms" && : >"$ref_ms"
	direct_once /dev/null # a warm-up run of the reference (vms warmed up with the first upload)
	for _ in $(seq 1 50); do
		[ "$(job_totals | awk '{ print $4 }')" -ge 1 ] && break
		sleep 0.1
	done
	before=$(job_totals)
	for ((i = 0; i < rounds; i++)); do
		order="vms direct"
		[ $((i % 2)) = 0 ] || order="direct vms"
		for side in $order; do
			if [ "$side" = vms ]; then
				c0=$(children_cpu "$VMS_PID")
				line=$(upload_one)
				c1=$(children_cpu "$VMS_PID")
				field "$line" processing_ms >>"$vms_ms"
				log "vms video $(field "$line" video): $(field "$line" processing_ms) ms from the 201 to ready; its tools used $(awk -v a="$c0" -v b="$c1" 'BEGIN { print b - a }') s of CPU"
			else
				c0=$(children_cpu $$)
				direct_once "$ref_ms"
				c1=$(children_cpu $$)
				log "direct: $(tail -1 "$ref_ms") ms; the tools used $(awk -v a="$c0" -v b="$c1" 'BEGIN { print b - a }') s of CPU"
			fi
		done
	done
	for _ in $(seq 1 50); do
		[ "$(job_totals | awk '{ print $4 }')" -ge $(($(awk '{ print $4 }' <<<"$before") + rounds)) ] && break
		sleep 0.1
	done
	local after means vm rm
	after=$(job_totals)
	means=$(awk -v b="$before" 'BEGIN { split(b, x, " ") } {
		printf "%.3f %.3f\n", ($2 > x[2]) ? ($1 - x[1]) / ($2 - x[2]) * 1000 : 0, ($4 > x[4]) ? ($3 - x[3]) / ($4 - x[4]) * 1000 : 0
	}' <<<"$after")
	vm=$(awk '{ s += $1 } END { printf "%.3f", s / NR }' "$vms_ms")
	rm=$(awk '{ s += $1 } END { printf "%.3f", s / NR }' "$ref_ms")
	log "hls_transcode per video: vms 201 to ready ${vm}ms = River queue wait ${means% *}ms + job run ${means#* }ms + the rest (polling, the answer);" \
		"direct probe + poster + transcode ${rm}ms; job run - direct = $(awk -v j="${means#* }" -v d="$rm" 'BEGIN { printf "%.1f", j - d }')ms"
	result hls_transcode vms "$vm" direct "$rm" ms "<=" 1.1
}

[ "$only" = hls_transcode ] || measure_segments
[ "$only" = hls_segments ] || measure_transcode
finish

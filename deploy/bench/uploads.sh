#!/usr/bin/env bash
# Measure 10: a large file uploaded through the resumable routes (tus 1.0: POST /v1/uploads,
# then PATCH chunks of CHUNK_MIB, each streamed from disk; vmsload tus) against the same
# bytes through today's multipart POST /v1/videos (one request streamed from disk with its
# Content-Length; vmsload multipart), on one vms over SQLite (the reference backend: no
# database server shares the CPUs, and an upload makes a handful of statements either
# way). The server's VmRSS is sampled every RSS_SAMPLE during each upload, and its VmHWM
# is reset before and read after it, so a peak between two samples is not missed.
#   upload_tus: median MiB/s of the tus uploads vs of the multipart uploads, UPLOAD_ROUNDS
#     rounds alternating which goes first (T M, M T, T M…) so machine noise weighs on
#     both. Target ≥ 0.9.
#   upload_rss: the highest server RSS during the tus uploads. Target ≤ 100 MiB.
# Each stored file is compared with the source, then deleted (with any upload parts left),
# so the run never holds more than the source and one stored copy.
# Env: SMOKE=1 (64 MiB, 1 round), UPLOAD_MIB (512), CHUNK_MIB (8), UPLOAD_ROUNDS (3),
# RSS_SAMPLE (10ms), TUS_CHUNKED=1 (PATCH bodies with Transfer-Encoding: chunked instead of
# a Content-Length; a diagnostic, tus clients send Content-Length).
source "$(dirname "$0")/lib/common.sh"
export LC_ALL=C # awk with a decimal point
build_tools
need sqlite3

if [ "$SMOKE" = 1 ]; then size_mib=${UPLOAD_MIB:-64} rounds=${UPLOAD_ROUNDS:-1}; else
	size_mib=${UPLOAD_MIB:-512} rounds=${UPLOAD_ROUNDS:-3}
fi
chunk_mib=${CHUNK_MIB:-8}
sample=${RSS_SAMPLE:-10ms}
tus_args=(-chunk $((chunk_mib * 1048576)))
[ "${TUS_CHUNKED:-0}" = 1 ] && tus_args+=(-chunked)
[ "$rounds" -ge 1 ] || die "UPLOAD_ROUNDS must be at least 1"

# The upload: the testdata MP4 (so it sniffs as video/mp4) followed by random bytes, so
# nothing on the way sees a sparse or compressible file.
src="$WORK/upload.mp4"
cp "$ROOT/modules/video/service/testdata/sample.mp4" "$src"
head -c $((size_mib * 1048576 - $(stat -c %s "$src"))) /dev/urandom >>"$src"
size=$(stat -c %s "$src")
[ "$size" = $((size_mib * 1048576)) ] || die "the upload file has $size bytes, not $size_mib MiB"

port=$(free_port)
start_vms vms "$port" "sqlite://$WORK/vms/vms.db" MAX_UPLOAD_BYTES="$((size_mib * 2))MiB"
pid=$VMS_PID
base="http://127.0.0.1:$port"
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status"; }
log "server rss at start: $(grep -E '^(VmRSS|RssAnon|RssFile):' "/proc/$pid/status" | tr -s ' \t\n' ' ')"
# The admin's token is minted with JWT_SECRET rather than got by signing in: every
# password check allocates Argon2id's 19 MiB, which stays in the server's heap until its
# next collection and would count in the RSS of the uploads. The sign-up hashes once.
cid=$(signup "$base" "Bench Uploads $$" "admin-$$@bench.example" "bench-password-1")
uid=$(sqlite3 "$WORK/vms/vms.db" "SELECT id FROM users WHERE email = 'admin-$$@bench.example'")
token=$("$VMSLOAD_BIN" mint -secret "$JWT_SECRET" -user "$uid" -cid "$cid" -role admin -ttl 1h)
[ "$(api GET "$base/v1/auth/me" -H "Authorization: Bearer $token" | jq -r .email)" = "admin-$$@bench.example" ] ||
	die "the minted token does not sign in the admin"

# stored_check ID: the video's answer and stored file must hold the source's bytes; the
# stored file and any upload parts are then deleted.
stored_check() {
	local id=$1 got file files
	got=$(api GET "$base/v1/videos/id/$id" -H "Authorization: Bearer $token" | jq -r '.size_bytes')
	[ "$got" = "$size" ] || die "video $id has size_bytes $got, not $size"
	mapfile -t files < <(find "$WORK/vms/videos" -type f -name '*.bin')
	[ "${#files[@]}" = 1 ] || die "expected one stored file under $WORK/vms/videos, found ${#files[@]}"
	file=${files[0]}
	cmp -s "$file" "$src" || die "the stored file of video $id differs from the upload"
	rm -f "$file"
	if [ -n "$(find "$WORK/vms/uploads" -type f 2>/dev/null)" ]; then
		log "upload parts left after video $id: $(find "$WORK/vms/uploads" -type f | tr '\n' ' ')"
		find "$WORK/vms/uploads" -type f -delete
	fi
	sync
}

# upload_once MODE: one upload with vmsload (tus or multipart); prints its summary line.
upload_once() {
	local mode=$1 out line
	local args=(-base "$base" -token "$token" -file "$src" -pid "$pid" -sample "$sample")
	[ "$mode" = tus ] && args+=("${tus_args[@]}")
	out=$("$VMSLOAD_BIN" "$mode" "${args[@]}" 2>&1) || die "vmsload $mode: $out"
	line=$(grep -E '^(TUS|MULTIPART) ' <<<"$out") || die "vmsload $mode printed no summary: $out"
	[ "$(field "$line" bytes)" = "$size" ] || die "vmsload $mode sent $(field "$line" bytes) bytes: $line"
	stored_check "$(field "$line" video)"
	echo "$line"
}

# A warm-up of each route with a small file: the code paths, the connection pool and the
# database are exercised once before anything is timed.
warm="$WORK/warm.mp4"
cp "$ROOT/modules/video/service/testdata/sample.mp4" "$warm"
head -c $((2 * 1048576)) /dev/urandom >>"$warm"
out=$("$VMSLOAD_BIN" tus -base "$base" -token "$token" -file "$warm" "${tus_args[@]}" 2>&1) || die "warm-up tus: $out"
out=$("$VMSLOAD_BIN" multipart -base "$base" -token "$token" -file "$warm" 2>&1) || die "warm-up multipart: $out"
find "$WORK/vms/videos" -type f -name '*.bin' -delete
rm -f "$warm"
sync
log "${size_mib} MiB upload, tus in ${chunk_mib} MiB PATCHes, $rounds round(s); server rss at rest $(rss) KiB; load:$(uptime | sed 's/.*load average://')"

tus_rates=() mp_rates=() tus_peaks=() mp_peaks=() tus_growth=() mp_growth=()
for ((r = 0; r < rounds; r++)); do
	order="tus multipart"
	[ $((r % 2)) = 0 ] || order="multipart tus"
	for mode in $order; do
		line=$(upload_once "$mode")
		log "round $((r + 1)) $mode: $line"
		growth=$(($(field "$line" peak_rss_kib) - $(field "$line" rss_start_kib)))
		if [ "$mode" = tus ]; then
			tus_rates+=("$(field "$line" mib_s)")
			tus_peaks+=("$(field "$line" peak_rss_kib)")
			tus_growth+=("$growth")
		else
			mp_rates+=("$(field "$line" mib_s)")
			mp_peaks+=("$(field "$line" peak_rss_kib)")
			mp_growth+=("$growth")
		fi
	done
done

# median VALUES…
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# peak_mib KIB…: the largest, in MiB.
peak_mib() { printf '%s\n' "$@" | sort -g | tail -1 | awk '{ printf "%.2f", $1 / 1024 }'; }
log "tus MiB/s: ${tus_rates[*]}; multipart MiB/s: ${mp_rates[*]}"
log "peak server rss (MiB): tus $(peak_mib "${tus_peaks[@]}"), multipart $(peak_mib "${mp_peaks[@]}");" \
	"largest growth over the rss at the upload's start: tus $(peak_mib "${tus_growth[@]}"), multipart $(peak_mib "${mp_growth[@]}")"
log "server rss after the runs: $(grep -E '^(VmRSS|RssAnon|RssFile):' "/proc/$pid/status" | tr -s ' \t\n' ' ')"
result upload_tus tus "$(median "${tus_rates[@]}")" multipart "$(median "${mp_rates[@]}")" MiB/s ">=" 0.9
absolute upload_rss peak_rss_tus "$(peak_mib "${tus_peaks[@]}")" MiB "<=" 100
finish

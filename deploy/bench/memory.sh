#!/usr/bin/env bash
# Measure 5: 1000 concurrent clients each reading a stream slowly (vmsload slowread: open,
# read 4 KiB, sleep 200 ms, for DURATION). Target: server VmRSS ≤ 150 MiB while they read,
# and go_goroutines (/metrics) and open fds (/proc/PID/fd) back to their baseline after they
# close. Env: DURATION (10s), SMOKE=1 (3 s, 16 MiB video), CLIENTS (1000).
source "$(dirname "$0")/lib/common.sh"
build_tools

clients=${CLIENTS:-1000}
if [ "$SMOKE" = 1 ]; then size_mib=16; else size_mib=64; fi
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ "$(ulimit -n)" -gt $((clients * 2 + 100)) ] || die "open-file limit $(ulimit -n) is too low for $clients clients"

create_db memory
db=$DB_URL
port=$(free_port)
start_vms vms "$port" "$db"
pid=$VMS_PID
log "rss at start: $(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status") KiB"
base="http://127.0.0.1:$port"
signup "$base" "Bench Memory $$" "admin-$$@bench.example" "bench-password-1" >/dev/null
token=$(login "$base" "admin-$$@bench.example" "bench-password-1")
log "rss before the upload: $(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status") KiB"
make_video "$WORK/upload.mp4" "$size_mib"
video=$(upload "$base" "$token" "$WORK/upload.mp4")
rm -f "$WORK/upload.mp4"
url="$base/v1/videos/stream/$video"
code=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" -H 'Range: bytes=0-0' "$url")
[ "$code" = 206 ] || die "first view: status $code"

# Open fds of the server, not counting its database connections: the pool keeps up to
# DB_MAX_IDLE_CONNS of them open by design, and they are not what the readers leave behind.
db_conns() { ss -Htnp state established "( dport = :5432 )" 2>/dev/null | grep -c "pid=$pid," || true; }
fds() { echo $(($(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l) - $(db_conns))); }
# The baseline waits for the server's background services to settle: the job engine starts
# its leader-only maintenance goroutines a few seconds after start, once it is elected.
# Settled means four readings 0.5 s apart within one goroutine of each other (at most 30 s).
settle_goroutines() {
	local readings=() g lo hi
	for _ in $(seq 1 60); do
		g=$(metric "$base" go_goroutines)
		readings+=("$g")
		[ ${#readings[@]} -gt 4 ] && readings=("${readings[@]:1}")
		if [ ${#readings[@]} -eq 4 ]; then
			lo=$(printf '%s\n' "${readings[@]}" | sort -n | head -1)
			hi=$(printf '%s\n' "${readings[@]}" | sort -n | tail -1)
			[ $((hi - lo)) -le 1 ] && { echo "$hi"; return 0; }
		fi
		sleep 0.5
	done
	die "go_goroutines did not settle in 30 s: ${readings[*]}"
}
base_g=$(settle_goroutines)
base_fd=$(fds)
base_rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
log "baseline: goroutines=$base_g fds=$base_fd rss_kib=$base_rss"

out=$("$VMSLOAD_BIN" slowread -url "$url" -H "Authorization: Bearer $token" -c "$clients" -duration "$DURATION" -pid "$pid")
log "$out"
line=$(grep '^SLOWREAD opened' <<<"$out")
[ "$(field "$line" opened)" = "$clients" ] || die "only $(field "$line" opened) of $clients readers opened: $out"

# The server notices closed connections at its next write; give it a few seconds. Client
# connections must all be gone; fds (database connections aside) get a small slack.
conns() { ss -Htn state established "( sport = :$port )" 2>/dev/null | wc -l; }
released() { [ "$after_g" -le $((base_g + 5)) ] && [ "$after_fd" -le $((base_fd + 5)) ] && [ "$after_conns" = 0 ]; }
after_g=0 after_fd=0 after_conns=0
for _ in $(seq 1 50); do
	after_g=$(metric "$base" go_goroutines)
	after_fd=$(fds)
	after_conns=$(conns)
	released && break
	sleep 0.2
done
peak_mib=$(awk -v k="$(field "$line" peak_rss_kib)" 'BEGIN { print k / 1024 }')
absolute memory_rss "peak_rss@${clients}_readers" "$peak_mib" MiB "<=" 150
ok=0
released && ok=1
check memory_release "goroutines=$base_g->$after_g fds=$base_fd->$after_fd client_conns=$after_conns peak_fds=$(field "$line" peak_fds) (database connections not counted; slack: 5 goroutines, 5 fds)" "$ok"
finish

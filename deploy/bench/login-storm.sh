#!/usr/bin/env bash
# Measure 6: 200 concurrent logins (each a password hash) must not starve other routes:
# p99 of GET /v1/videos/id/{id} during the storm ≤ 3 × its p99 at rest.
# Each storm worker logs in to its own account (seeded with SQL, same password) from its own
# X-Forwarded-For address (TRUSTED_PROXIES=127.0.0.1/32): the login limiter counts attempts
# in flight per e-mail (5) and per IP (20), so 200 parallel logins to one account from one
# address are mostly answered 429 without hashing, which would not be a storm.
# Env: DURATION (10s per sample), SMOKE=1 (3 s), LOGINS (200), CONCURRENCY (4 readers).
source "$(dirname "$0")/lib/common.sh"
build_tools

logins=${LOGINS:-200}
conc=${CONCURRENCY:-4}
secs=$(seconds)

create_db logins
db=$DB_URL
port=$(free_port)
start_vms vms "$port" "$db" TRUSTED_PROXIES=127.0.0.1/32
base="http://127.0.0.1:$port"
cid=$(signup "$base" "Bench Logins $$" "admin-$$@bench.example" "bench-password-1")
read -r video _ < <(seed_videos "$db" "$cid" 1)
seed_users "$db" "$cid" "$logins" >/dev/null
url="$base/v1/videos/id/$video"
api GET "$url" >/dev/null

rest=$("$VMSLOAD_BIN" latency -label rest -url "$url" -c "$conc" -duration "$DURATION")
log "$rest"
"$VMSLOAD_BIN" logins -base "$base" -email "seed-%d-$cid@bench.example" -password bench-password-1 -xff \
	-c "$logins" -duration "$((secs + 2))s" >"$WORK/logins.out" &
storm_pid=$!
BENCH_PIDS+=("$storm_pid")
sleep 1
storm=$("$VMSLOAD_BIN" latency -label storm -url "$url" -c "$conc" -duration "$DURATION")
log "$storm"
wait "$storm_pid" || die "the login storm failed"
storm_out=$(cat "$WORK/logins.out")
log "$storm_out"
[ "$(field "$rest" failed)" = 0 ] && [ "$(field "$storm" failed)" = 0 ] || die "reads failed: $rest / $storm"
[ "$(field "$storm_out" ok)" -gt 0 ] || die "no login succeeded: $storm_out"
[ "$(field "$storm_out" failed)" = 0 ] && [ "$(field "$storm_out" limited)" = 0 ] ||
	die "successful logins must be neither failed nor rate limited: $storm_out"

result login_storm p99_storm "$(field "$storm" p99_ms)" p99_rest "$(field "$rest" p99_ms)" ms "<=" 3
log "p50 rest=$(field "$rest" p50_ms)ms storm=$(field "$storm" p50_ms)ms; logins/s=$(field "$storm_out" rps)"
finish

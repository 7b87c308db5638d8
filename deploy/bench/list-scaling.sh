#!/usr/bin/env bash
# Measure 4: GET /v1/videos?limit=20, the first page and a page deep in the cursor, with
# 10k and then 1M videos bulk-seeded with SQL (SMOKE=1: 10k and 100k). Target: p50 at the
# large size ≤ 1.5 × p50 at 10k, for each page.
# Env: DURATION (10s per sample), SMOKE=1, CONCURRENCY (2).
source "$(dirname "$0")/lib/common.sh"
build_tools

conc=${CONCURRENCY:-2}
small=10000
if [ "$SMOKE" = 1 ]; then large=100000; else large=1000000; fi

create_db list
db=$DB_URL
port=$(free_port)
start_vms vms "$port" "$db"
base="http://127.0.0.1:$port"
cid=$(signup "$base" "Bench List $$" "admin-$$@bench.example" "bench-password-1")

cursor() { printf 'id:%d' "$1" | base64 | tr '+/' '-_' | tr -d '=\n'; }

# sample SIZE: p50 of the first page and of a page 90 % deep; sets FIRST and DEEP.
sample() {
	local n=$1
	read -r lo hi < <(sql "$db" "SELECT min(id) || ' ' || max(id) FROM videos")
	local deep=$((lo + (hi - lo) * 9 / 10))
	local count
	count=$(curl -fsS "$base/v1/videos?limit=20&cursor=$(cursor "$deep")" | jq length)
	[ "$count" = 20 ] || die "deep page has $count videos"
	local a b
	a=$("$VMSLOAD_BIN" latency -label "first_$n" -url "$base/v1/videos?limit=20" -c "$conc" -duration "$DURATION")
	b=$("$VMSLOAD_BIN" latency -label "deep_$n" -url "$base/v1/videos?limit=20&cursor=$(cursor "$deep")" -c "$conc" -duration "$DURATION")
	log "$a"
	log "$b"
	[ "$(field "$a" failed)" = 0 ] && [ "$(field "$b" failed)" = 0 ] || die "list requests failed: $a $b"
	FIRST=$(field "$a" p50_ms)
	DEEP=$(field "$b" p50_ms)
}

seed_videos "$db" "$cid" "$small" >/dev/null
sql "$db" "ANALYZE videos" >/dev/null
sample "$small"
first_small=$FIRST deep_small=$DEEP

log "seeding up to $large videos"
seed_videos "$db" "$cid" $((large - small)) >/dev/null
sql "$db" "VACUUM ANALYZE videos" >/dev/null
[ "$(sql "$db" "SELECT count(*) FROM videos")" = "$large" ] || die "seeding did not reach $large videos"
sample "$large"

result list_first_page "p50@$large" "$FIRST" "p50@$small" "$first_small" ms "<=" 1.5
result list_deep_page "p50@$large" "$DEEP" "p50@$small" "$deep_small" ms "<=" 1.5
finish

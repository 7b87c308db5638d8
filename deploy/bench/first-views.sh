#!/usr/bin/env bash
# Measure 3: distinct (user, video) first views on PostgreSQL. vmsload sends POST
# /v1/view-logs for new pairs with a fixed concurrency (each a write transaction with the
# points ledger); pgbench runs the same insert-if-absent + ledger + balance update as a
# custom script on the same database, over other videos. Target vms/pgbench ≥ 0.5 in
# transactions/s; afterwards sum(users.point) = POINTS_PER_VIEW × count(video_view_logs).
# Env: DURATION (10s), SMOKE=1 (3 s, fewer rows), CONCURRENCY (16).
source "$(dirname "$0")/lib/common.sh"
build_tools
need pgbench postgresql  # pgbench ships with the server package on Debian

conc=${CONCURRENCY:-16}
if [ "$SMOKE" = 1 ]; then users=200 videos=50; else users=1000 videos=200; fi

create_db firstviews
db=$DB_URL
dbname=${db##*/}
dbname=${dbname%%\?*}
port=$(free_port)
start_vms vms "$port" "$db" DB_MAX_OPEN_CONNS="${DB_MAX_OPEN_CONNS:-20}"
base="http://127.0.0.1:$port"

cid=$(signup "$base" "Bench Views $$" "admin-$$@bench.example" "bench-password-1")
read -r umin umax < <(seed_users "$db" "$cid" "$users")
read -r vmin vmax < <(seed_videos "$db" "$cid" $((2 * videos)))
sql "$db" "ANALYZE" >/dev/null
half=$((vmin + videos - 1))

sessions() { sql "$db" "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"; }
s0=$(sessions)
out=$("$VMSLOAD_BIN" firstviews -base "$base" -secret "$JWT_SECRET" -cid "$cid" -user-min "$umin" -user-max "$umax" \
	-video-min "$vmin" -video-max "$half" -c "$conc" -duration "$DURATION")
log "vms: $out db_sessions_opened=$(($(sessions) - s0))"
line=$(grep '^FIRSTVIEWS pairs' <<<"$out")
[ "$(field "$line" failed)" = 0 ] || die "first views failed: $out"
vms_tps=$(field "$line" tps)
logs=$(sql "$db" "SELECT count(*) FROM video_view_logs")
[ "$logs" = "$(field "$line" credited)" ] || die "credited $(field "$line" credited) of $logs new view logs"

pg=$(pgbench -h 127.0.0.1 -p 5432 -U postgres -n -c "$conc" -j "$(nproc)" -T "$(seconds)" \
	-D umin="$umin" -D umax="$umax" -D vmin=$((half + 1)) -D vmax="$vmax" -D points="$POINTS_PER_VIEW" \
	-f "$BENCH_DIR/sql/first_view.sql" "$dbname" 2>&1) || die "pgbench failed: $pg"
pg_tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$pg" | head -1)
pg_failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' <<<"$pg")
log "pgbench: tps=$pg_tps failed=${pg_failed:-0}"
[ -n "$pg_tps" ] || die "no tps in pgbench output: $pg"

result first_views vms "$vms_tps" pgbench "$pg_tps" tx/s ">=" 0.5

read -r points views ledger wrong < <(sql "$db" "SELECT
	(SELECT coalesce(sum(point), 0) FROM users),
	(SELECT count(*) FROM video_view_logs),
	(SELECT count(*) FROM point_transactions WHERE reason = 'video_view'),
	(SELECT count(*) FROM users u WHERE u.point <> $POINTS_PER_VIEW * (SELECT count(*) FROM video_view_logs l WHERE l.user_id = u.id))" | tr '|' ' ')
ok=0
[ "$points" = $((POINTS_PER_VIEW * views)) ] && [ "$ledger" = "$views" ] && [ "$wrong" = 0 ] && ok=1
check first_views_invariant "sum_points=$points points_per_view=$POINTS_PER_VIEW view_logs=$views ledger_rows=$ledger users_off=$wrong" "$ok"
finish

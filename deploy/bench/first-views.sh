#!/usr/bin/env bash
# Measure 3: distinct (user, video) first views on PostgreSQL. vmsload sends POST
# /v1/view-logs for new pairs with a fixed concurrency (each a write transaction with the
# points ledger); pgbench runs the same insert-if-absent + ledger + balance update as a
# custom script on the same database, over other videos. Target vms/pgbench ≥ 0.5 in
# transactions/s; afterwards sum(users.point) = POINTS_PER_VIEW × count(video_view_logs).
# Then the same first views with one webhook endpoint subscribed to view.first (a vmsload
# receiver on 127.0.0.1) against none, alternating without/with twice; target with/without
# ≥ 0.8 in transactions/s; every view.first event then reaches the receiver.
# Env: DURATION (10s per sample), SMOKE=1 (3 s, fewer rows), CONCURRENCY (16).
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
start_vms vms "$port" "$db" DB_MAX_OPEN_CONNS="${DB_MAX_OPEN_CONNS:-20}" ALLOW_PRIVATE_WEBHOOKS=true
base="http://127.0.0.1:$port"

cid=$(signup "$base" "Bench Views $$" "admin-$$@bench.example" "bench-password-1")
read -r umin umax < <(seed_users "$db" "$cid" "$users")
# Six ranges of videos, one per sample, so every sample's pairs are new: vms, pgbench,
# then without/with a webhook twice.
read -r vmin vmax < <(seed_videos "$db" "$cid" $((6 * videos)))
sql "$db" "ANALYZE" >/dev/null
range_lo() { echo $((vmin + $1 * videos)); }
range_hi() { echo $((vmin + ($1 + 1) * videos - 1)); }

sessions() { sql "$db" "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"; }
s0=$(sessions)
out=$("$VMSLOAD_BIN" firstviews -base "$base" -secret "$JWT_SECRET" -cid "$cid" -user-min "$umin" -user-max "$umax" \
	-video-min "$(range_lo 0)" -video-max "$(range_hi 0)" -c "$conc" -duration "$DURATION")
log "vms: $out db_sessions_opened=$(($(sessions) - s0))"
line=$(grep '^FIRSTVIEWS pairs' <<<"$out")
[ "$(field "$line" failed)" = 0 ] || die "first views failed: $out"
vms_tps=$(field "$line" tps)
logs=$(sql "$db" "SELECT count(*) FROM video_view_logs")
[ "$logs" = "$(field "$line" credited)" ] || die "credited $(field "$line" credited) of $logs new view logs"

pg=$(pgbench -h 127.0.0.1 -p 5432 -U postgres -n -c "$conc" -j "$(nproc)" -T "$(seconds)" \
	-D umin="$umin" -D umax="$umax" -D vmin="$(range_lo 1)" -D vmax="$(range_hi 1)" -D points="$POINTS_PER_VIEW" \
	-f "$BENCH_DIR/sql/first_view.sql" "$dbname" 2>&1) || die "pgbench failed: $pg"
pg_tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$pg" | head -1)
pg_failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' <<<"$pg")
log "pgbench: tps=$pg_tps failed=${pg_failed:-0}"
[ -n "$pg_tps" ] || die "no tps in pgbench output: $pg"

result first_views vms "$vms_tps" pgbench "$pg_tps" tx/s ">=" 0.5

# With a webhook: each first view adds the outbox's INSERT … SELECT to its transaction; the
# outbox relay inserts the jobs in batches after the commits, and the deliveries run
# meanwhile (the webhooks queue, 16 at once).
# Without: the endpoint is disabled, so the INSERT … SELECT finds no subscriber. After a
# sample with the webhook the script waits until the receiver has every event, so the next
# sample does not pay for the previous one's deliveries; the wait is logged.
rport=$(free_port)
"$VMSLOAD_BIN" receive -addr "127.0.0.1:$rport" >"$WORK/receiver.log" 2>&1 &
BENCH_PIDS+=($!)
wait_http "http://127.0.0.1:$rport/stats"
token=$(login "$base" "admin-$$@bench.example" "bench-password-1")
hook=$(api POST "$base/v1/webhooks" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
	-d "{\"url\":\"http://127.0.0.1:$rport/hook\",\"events\":[\"view.first\"],\"enabled\":false}" | jq -r .id)
set_hook() {
	api PUT "$base/v1/webhooks/$hook" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "{\"enabled\":$1}" >/dev/null
}
received() { curl -fsS "http://127.0.0.1:$rport/stats" | sed -n 's/.* events=\([0-9]*\).*/\1/p'; }
expected=0
# dbwork: the database's committed transactions and rows written so far (pg_stat_database,
# flushed by each backend within a second or so: the per-view figures are approximate).
dbwork() { sql "$db" "SELECT xact_commit || ' ' || tup_inserted || ' ' || tup_updated || ' ' || tup_deleted FROM pg_stat_database WHERE datname = current_database()"; }
# sample RANGE WEBHOOK(true|false): one first-view run over the video range; sets tps.
sample() {
	set_hook "$2"
	local o l x0 i0 u0 d0 x1 i1 u1 d1
	read -r x0 i0 u0 d0 < <(dbwork)
	o=$("$VMSLOAD_BIN" firstviews -base "$base" -secret "$JWT_SECRET" -cid "$cid" -user-min "$umin" -user-max "$umax" \
		-video-min "$(range_lo "$1")" -video-max "$(range_hi "$1")" -c "$conc" -duration "$DURATION")
	l=$(grep '^FIRSTVIEWS pairs' <<<"$o")
	[ "$(field "$l" failed)" = 0 ] || die "first views failed: $o"
	sleep 1
	read -r x1 i1 u1 d1 < <(dbwork)
	log "vms, webhook $2: $l"
	log "  per first view during the sample: $(awk -v n="$(field "$l" credited)" -v x=$((x1 - x0)) -v i=$((i1 - i0)) -v u=$((u1 - u0)) -v d=$((d1 - d0)) \
		'BEGIN { printf "commits=%.2f rows_inserted=%.2f rows_updated=%.2f rows_deleted=%.2f", x / n, i / n, u / n, d / n }')"
	tps=$(field "$l" tps)
	[ "$2" = true ] || return 0
	expected=$((expected + $(field "$l" credited)))
	local start=$SECONDS
	for _ in $(seq 1 1500); do
		if [ "$(received)" -ge "$expected" ]; then
			log "receiver: all $expected view.first events, the last $((SECONDS - start)) s after the sample ended"
			return 0
		fi
		sleep 0.2
	done
	die "the receiver has $(received) of $expected view.first events 300 s after the sample"
}
sample 2 false
off1=$tps
sample 3 true
on1=$tps
sample 4 false
off2=$tps
sample 5 true
on2=$tps
without=$(awk -v a="$off1" -v b="$off2" 'BEGIN { printf "%.1f", (a + b) / 2 }')
with=$(awk -v a="$on1" -v b="$on2" 'BEGIN { printf "%.1f", (a + b) / 2 }')
log "first views without a webhook: $off1, $off2 tx/s; with one: $on1, $on2 tx/s"
result first_views_webhook with_webhook "$with" without "$without" tx/s ">=" 0.8

# Seconds from the change to its job's insert by the outbox relay, and to the delivery.
lag() {
	sql "$db" "SELECT 'p50=' || round(percentile_cont(0.5) WITHIN GROUP (ORDER BY s)::numeric, 3) || ' p99=' ||
		round(percentile_cont(0.99) WITHIN GROUP (ORDER BY s)::numeric, 3) || ' max=' || round(max(s)::numeric, 3)
		FROM (SELECT extract(epoch FROM $1 - created_at) AS s FROM webhook_deliveries) l"
}
log "webhook relay lag (s): $(lag enqueued_at)"
log "webhook delivery lag (s): $(lag delivered_at)"
read -r got succeeded < <(sql "$db" "SELECT (SELECT count(*) FROM webhook_deliveries), (SELECT count(*) FROM webhook_deliveries WHERE status = 'succeeded')" | tr '|' ' ')
ok=0
[ "$(received)" = "$expected" ] && [ "$got" = "$expected" ] && [ "$succeeded" = "$expected" ] && ok=1
check first_views_webhook_delivered "view_first_credited=$expected outbox_rows=$got succeeded=$succeeded received=$(received)" "$ok"

read -r points views ledger wrong < <(sql "$db" "SELECT
	(SELECT coalesce(sum(point), 0) FROM users),
	(SELECT count(*) FROM video_view_logs),
	(SELECT count(*) FROM point_transactions WHERE reason = 'video_view'),
	(SELECT count(*) FROM users u WHERE u.point <> $POINTS_PER_VIEW * (SELECT count(*) FROM video_view_logs l WHERE l.user_id = u.id))" | tr '|' ' ')
ok=0
[ "$points" = $((POINTS_PER_VIEW * views)) ] && [ "$ledger" = "$views" ] && [ "$wrong" = 0 ] && ok=1
check first_views_invariant "sum_points=$points points_per_view=$POINTS_PER_VIEW view_logs=$views ledger_rows=$ledger users_off=$wrong" "$ok"
finish

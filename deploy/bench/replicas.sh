#!/usr/bin/env bash
# Measure 7: two vms processes on one PostgreSQL database behind nginx (round robin).
# Concurrent first views spread across both replicas (every pair sent 3 times at once)
# must credit exactly once; the plan-expiry job (PLAN_EXPIRY_INTERVAL=1s) must downgrade
# each expired PAID corporation once: the vms_plan_expiry_downgraded_total counters of
# both replicas sum to the number that expired.
# Env: DURATION (10s), SMOKE=1 (3 s, fewer rows), CONCURRENCY (8).
source "$(dirname "$0")/lib/common.sh"
build_tools
need nginx

conc=${CONCURRENCY:-8}
if [ "$SMOKE" = 1 ]; then users=50 videos=20 corps=20; else users=200 videos=50 corps=100; fi

create_db replicas
db=$DB_URL
pa=$(free_port)
pb=$(free_port)
# Debug logs show every run of the job ("no expired plans" / "expired plans downgraded").
export VMS_LOG_LEVEL=debug
started=$(date +%s)
start_vms vms-a "$pa" "$db" PLAN_EXPIRY_INTERVAL=1s
start_vms vms-b "$pb" "$db" PLAN_EXPIRY_INTERVAL=1s
port=$(free_port)
start_nginx lb.conf.tmpl "@PORT@=$port" "@PORT_A@=$pa" "@PORT_B@=$pb"
base="http://127.0.0.1:$port"
wait_http "$base/healthz"

# PAID corporations whose plans expire two seconds from now, while both replicas run.
sql "$db" "INSERT INTO corporations (name, plan_type, plan_expired_at)
	SELECT 'expiring ' || g || ' $$', 'PAID', now() + interval '2 seconds' FROM generate_series(1, $corps) g" >/dev/null
expiry_start=$(date +%s)

cid=$(signup "$base" "Bench Replicas $$" "admin-$$@bench.example" "bench-password-1")
read -r umin umax < <(seed_users "$db" "$cid" "$users")
read -r vmin vmax < <(seed_videos "$db" "$cid" "$videos")
before_a=$(metric "http://127.0.0.1:$pa" vms_http_requests_total)
before_b=$(metric "http://127.0.0.1:$pb" vms_http_requests_total)

out=$("$VMSLOAD_BIN" firstviews -base "$base" -secret "$JWT_SECRET" -cid "$cid" -user-min "$umin" -user-max "$umax" \
	-video-min "$vmin" -video-max "$vmax" -c "$conc" -repeat 3 -duration "$DURATION")
log "$out"
line=$(grep '^FIRSTVIEWS pairs' <<<"$out")
[ "$(field "$line" failed)" = 0 ] || die "first views failed: $out"
pairs=$(field "$line" pairs)
credited=$(field "$line" credited)
served_a=$(($(metric "http://127.0.0.1:$pa" vms_http_requests_total) - before_a))
served_b=$(($(metric "http://127.0.0.1:$pb" vms_http_requests_total) - before_b))

read -r views points ledger dups wrong < <(sql "$db" "SELECT
	(SELECT count(*) FROM video_view_logs),
	(SELECT coalesce(sum(point), 0) FROM users),
	(SELECT count(*) FROM point_transactions WHERE reason = 'video_view'),
	(SELECT count(*) FROM (SELECT 1 FROM video_view_logs GROUP BY user_id, video_id HAVING count(*) > 1) d),
	(SELECT count(*) FROM users u WHERE u.point <> $POINTS_PER_VIEW * (SELECT count(*) FROM video_view_logs l WHERE l.user_id = u.id))" | tr '|' ' ')
ok=0
[ "$views" = "$pairs" ] && [ "$credited" = "$pairs" ] && [ "$ledger" = "$views" ] && [ "$dups" = 0 ] &&
	[ "$wrong" = 0 ] && [ "$points" = $((POINTS_PER_VIEW * views)) ] && [ "$served_a" -gt 0 ] && [ "$served_b" -gt 0 ] && ok=1
check replicas_first_views "pairs=$pairs requests=$(field "$line" ok) credited=$credited view_logs=$views ledger_rows=$ledger duplicates=$dups users_off=$wrong sum_points=$points served_a=$served_a served_b=$served_b tps=$(field "$line" tps)" "$ok"

# Wait for the downgrades, then let a few more ticks pass: a second run must not count again.
for _ in $(seq 1 100); do
	[ "$(sql "$db" "SELECT count(*) FROM corporations WHERE plan_type = 'PAID'")" = 0 ] && break
	sleep 0.2
done
sleep 3
down_a=$(metric "http://127.0.0.1:$pa" vms_plan_expiry_downgraded_total)
down_b=$(metric "http://127.0.0.1:$pb" vms_plan_expiry_downgraded_total)
left=$(sql "$db" "SELECT count(*) FROM corporations WHERE plan_type = 'PAID'")
elapsed=$(($(date +%s) - started))
runs_a=$(grep -c 'expired plans' "$WORK/vms-a.log" || true)
runs_b=$(grep -c 'expired plans' "$WORK/vms-b.log" || true)
ok=0
[ "$left" = 0 ] && [ $((down_a + down_b)) = "$corps" ] && [ $((runs_a + runs_b)) -le $((elapsed + 1)) ] &&
	[ $((runs_a + runs_b)) -ge 1 ] && ok=1
check replicas_plan_expiry "expired=$corps downgraded_a=$down_a downgraded_b=$down_b still_paid=$left job_runs_a=$runs_a job_runs_b=$runs_b in ${elapsed}s (at most one per 1s tick)" "$ok"
finish

#!/usr/bin/env bash
# Runs every benchmark of deploy/bench in order and prints their RESULT lines again at the
# end. `run-all.sh --smoke` (or SMOKE=1) is the short variant for CI: ~3 s per measure and
# small data. Exits non-zero only when a script fails to run or an invariant breaks; missed
# performance targets are reported (MISS), and fail the run only with BENCH_ENFORCE=1
# outside smoke mode. Env: DURATION, SMOKE, BENCH_ENFORCE, BENCH_ONLY_SCRIPTS ("stream
# memory" …).
set -euo pipefail
[ "${1:-}" = --smoke ] && export SMOKE=1
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH_DIR/../.." && pwd)

bin=$(mktemp -d /tmp/vmsbench-bin.XXXXXX)
trap 'rm -rf "$bin"' EXIT
(cd "$ROOT" && go build -o "$bin/vms" ./app && go build -o "$bin/vmsload" ./deploy/bench/cmd/vmsload) || {
	echo "run-all: go build failed" >&2
	exit 1
}
export VMS_BIN="$bin/vms" VMSLOAD_BIN="$bin/vmsload"

scripts=${BENCH_ONLY_SCRIPTS:-"stream first-views list-scaling memory login-storm replicas processing hls uploads"}
echo "bench: $(date -u +%FT%TZ) SMOKE=${SMOKE:-0} DURATION=${DURATION:-default} nproc=$(nproc) load:$(uptime | sed 's/.*load average://')"
results=()
failed=()
for s in $scripts; do
	echo "== $s (load:$(uptime | sed 's/.*load average://'))"
	out="$bin/$s.out"
	status=0
	bash "$BENCH_DIR/$s.sh" 2>&1 | tee "$out" || status=${PIPESTATUS[0]}
	while IFS= read -r line; do results+=("$line"); done < <(grep -o 'RESULT .*' "$out" || true)
	if [ "$status" != 0 ]; then
		failed+=("$s (exit $status)")
	fi
done
echo "== summary (load:$(uptime | sed 's/.*load average://'))"
[ ${#results[@]} -eq 0 ] || printf '%s\n' "${results[@]}"
if [ ${#failed[@]} -gt 0 ]; then
	printf 'bench: FAILED: %s\n' "${failed[@]}" >&2
	exit 1
fi
echo "bench: every script ran"

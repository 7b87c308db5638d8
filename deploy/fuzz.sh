#!/usr/bin/env bash
# Runs every fuzz target of the module (go test -fuzz), one at a time, each for FUZZTIME
# (default 20s) with FUZZ_PARALLEL workers (default 1), and fails naming every target
# that failed. A failing input is written under the package's testdata/fuzz/<Target>/;
# commit it with the fix so plain go test keeps checking it.
#
# Go 1.26's fuzz coordinator can fail a run with a bare "context deadline exceeded" at the
# end of -fuzztime, having found nothing (go.dev/issue/75804, fixed in Go 1.27). Such a
# run, which writes no input, is run once more; a second one is reported as a flake and
# does not fail the script. Any other failure does.
#
#   deploy/fuzz.sh                  # every target, 20s each
#   FUZZTIME=1m deploy/fuzz.sh      # longer
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
fuzztime=${FUZZTIME:-20s}
parallel=${FUZZ_PARALLEL:-1}

# go test -list prints a package's matching names, then its "ok <package>" line. Only the
# packages whose tests declare a fuzz function are listed, which saves building the rest.
mapfile -t pkgs < <(git ls-files --cached --others --exclude-standard -- '*_test.go' |
	xargs -r grep -l '^func Fuzz' | xargs -r -n1 dirname | sort -u | sed 's|^|./|')
if [ ${#pkgs[@]} -eq 0 ]; then
	echo "fuzz: no fuzz targets found" >&2
	exit 1
fi
listing=$(go test -list '^Fuzz' "${pkgs[@]}")
targets=()
names=()
while read -r first second _; do
	case $first in
	Fuzz*) names+=("$first") ;;
	ok)
		for name in ${names[@]+"${names[@]}"}; do
			targets+=("$second $name")
		done
		names=()
		;;
	esac
done <<<"$listing"

if [ ${#targets[@]} -eq 0 ]; then
	echo "fuzz: no fuzz targets found" >&2
	exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT

# fuzz runs one target, teeing its output to $log; it fails as go test does.
fuzz() {
	go test -run '^$' -fuzz "^${1}\$" -fuzztime "$fuzztime" -parallel "$parallel" "$2" 2>&1 | tee "$log"
}

# deadline_flake tells whether the run in $log failed only by the coordinator's deadline
# race: that message, and no failing input written.
deadline_flake() {
	grep -qx '    context deadline exceeded' "$log" && ! grep -q 'Failing input written to' "$log"
}

passed=0
failed=()
flaked=()
start=$SECONDS
for target in "${targets[@]}"; do
	read -r pkg name <<<"$target"
	echo "=== fuzz $name ($pkg) for $fuzztime"
	t0=$SECONDS
	if fuzz "$name" "$pkg" || { deadline_flake && echo "fuzz: $name: deadline race, running it again" && fuzz "$name" "$pkg"; }; then
		passed=$((passed + 1))
		echo "--- ok   $name ($((SECONDS - t0))s)"
	elif deadline_flake; then
		flaked+=("$name ($pkg)")
		echo "--- FLAKE $name ($pkg, $((SECONDS - t0))s): context deadline exceeded twice, no failing input" >&2
	else
		failed+=("$name ($pkg)")
		echo "--- FAIL $name ($pkg, $((SECONDS - t0))s)" >&2
	fi
done

for f in ${failed[@]+"${failed[@]}"}; do
	echo "fuzz: FAILED $f" >&2
done
summary="fuzz: $passed passed, ${#failed[@]} failed"
if [ ${#flaked[@]} -gt 0 ]; then
	summary+=", ${#flaked[@]} deadline flakes (${flaked[*]})"
fi
echo "$summary in $((SECONDS - start))s"
[ ${#failed[@]} -eq 0 ]

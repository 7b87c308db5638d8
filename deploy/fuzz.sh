#!/usr/bin/env bash
# Runs every fuzz target of the module (go test -fuzz), one at a time, each for FUZZTIME
# (default 20s) with FUZZ_PARALLEL workers (default 1), and fails naming every target
# that failed. A failing input is written under the package's testdata/fuzz/<Target>/;
# commit it with the fix so plain go test keeps checking it.
#
#   deploy/fuzz.sh                  # every target, 20s each
#   FUZZTIME=1m deploy/fuzz.sh      # longer
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
fuzztime=${FUZZTIME:-20s}
parallel=${FUZZ_PARALLEL:-1}

# go test -list prints a package's matching names, then its "ok <package>" line.
listing=$(go test -list '^Fuzz' ./...)
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

passed=0
failed=()
start=$SECONDS
for target in "${targets[@]}"; do
	read -r pkg name <<<"$target"
	echo "=== fuzz $name ($pkg) for $fuzztime"
	t0=$SECONDS
	# -fuzz takes one target only, so the name is anchored.
	if go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" -parallel "$parallel" "$pkg"; then
		passed=$((passed + 1))
		echo "--- ok   $name ($((SECONDS - t0))s)"
	else
		failed+=("$name ($pkg)")
		echo "--- FAIL $name ($pkg, $((SECONDS - t0))s)" >&2
	fi
done

for f in ${failed[@]+"${failed[@]}"}; do
	echo "fuzz: FAILED $f" >&2
done
echo "fuzz: $passed passed, ${#failed[@]} failed in $((SECONDS - start))s"
[ ${#failed[@]} -eq 0 ]

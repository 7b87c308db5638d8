#!/usr/bin/env bash
# Mutation testing of the core packages with gremlins (pinned in .ci/gotool).
#
# Usage:
#   deploy/mutation.sh                        every core package (listed below)
#   deploy/mutation.sh PKG...                 the given packages, as module-relative directories
#                                             (deploy/mutation.sh modules/points platform/cache)
#   deploy/mutation.sh --changed-since REF    the core packages with a file changed since the merge
#                                             base of REF and HEAD (working tree included); every
#                                             core package when this script, go.mod, go.sum or
#                                             .ci/gotool changed
#   deploy/mutation.sh --list [...]           print the packages the other arguments select, run nothing
#
# Environment:
#   MUTATION_THRESHOLD   minimum efficacy per package, in percent (default 85)
#   MUTATION_WORKERS     gremlins workers per package (default 1)
#   MUTATION_TIMEOUT_COEFFICIENT  a mutant's test run times out after this many times the
#                        coverage run (default 10; gremlins' own 3 times out mutants that
#                        merely relink slowly on a busy machine)
#   MUTATION_OUT         directory kept with each package's gremlins log and JSON report
#                        (default: a temporary directory removed at exit)
#
# Efficacy = killed / (killed + lived). Mutants listed in deploy/mutation-equivalent.txt
# (`path:line:col MUTATOR — reason`) are left out of both. A mutant whose package does not
# compile is NOT VIABLE, never KILLED: gremlins v0.6.0 maps the exit code of `go test` to a
# status (1 → KILLED, 2 → NOT VIABLE), and `go test` exits 1 for a build failure as well as for
# a failing test, so gremlins runs `go test` through a wrapper that exits 2 when the package
# does not build. The wrapper also turns off the vet checks of `go test` (-vet=off): the tests
# alone decide whether a mutant is killed.
#
# Only the package's own directory is mutated (files in subdirectories are other packages,
# run on their own when listed). Exits 1 when a package is under the threshold or gremlins
# fails, 2 on a usage error.
set -euo pipefail
cd "$(dirname "$0")/.."

core=(
  modules/points
  modules/video/service
  modules/video/domain
  modules/video/adapters/stream
  modules/media/service
  modules/auth/service
  modules/auth/adapters/jwttoken
  modules/corporation/domain
  platform/database
  platform/cache
)
# A change to one of these can change every package's result.
global=(deploy/mutation.sh go.mod go.sum .ci/gotool)
equivalents=deploy/mutation-equivalent.txt

threshold="${MUTATION_THRESHOLD:-85}"
workers="${MUTATION_WORKERS:-1}"

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
  exit 2
}

changed_since=""
list=false
packages=()
while [ $# -gt 0 ]; do
  case "$1" in
    --changed-since) [ $# -ge 2 ] || usage; changed_since="$2"; shift 2 ;;
    --changed-since=*) changed_since="${1#*=}"; shift ;;
    --list) list=true; shift ;;
    -h | --help) usage ;;
    -*) echo "mutation: unknown option $1" >&2; usage ;;
    *) packages+=("${1%/}"); shift ;;
  esac
done

if [ -n "$changed_since" ]; then
  [ ${#packages[@]} -eq 0 ] || { echo "mutation: --changed-since takes no packages" >&2; exit 2; }
  base=$(git merge-base "$changed_since" HEAD) || { echo "mutation: no merge base with $changed_since" >&2; exit 2; }
  mapfile -t changed < <({ git diff --name-only "$base"; git ls-files --others --exclude-standard; } | sort -u)
  all=""
  for f in "${changed[@]}"; do
    for g in "${global[@]}"; do [ "$f" != "$g" ] || all="$all $f"; done
  done
  if [ -n "$all" ]; then
    echo "mutation:$all changed since $changed_since: every core package" >&2
    packages=("${core[@]}")
  else
    # Entries added to or removed from the equivalents file select their package too.
    eq_paths=$(git diff "$base" -- "$equivalents" | sed -n 's/^[-+]\([^-+#[:space:]][^:[:space:]]*\):.*/\1/p')
    for p in "${core[@]}"; do
      for f in "${changed[@]}" $eq_paths; do
        if [ "$(dirname "$f")" = "$p" ]; then packages+=("$p"); break; fi
      done
    done
    if [ ${#packages[@]} -eq 0 ]; then
      echo "mutation: no core package changed since $changed_since" >&2
      exit 0
    fi
  fi
elif [ ${#packages[@]} -eq 0 ]; then
  packages=("${core[@]}")
fi
for p in "${packages[@]}"; do
  [ -d "$p" ] || { echo "mutation: $p is not a directory of this module" >&2; exit 2; }
done

if $list; then
  printf '%s\n' "${packages[@]}"
  exit 0
fi

command -v jq >/dev/null || { echo "mutation: jq is needed to read gremlins' JSON reports" >&2; exit 2; }
gremlins=$(bash .ci/gotool gremlins)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
out="${MUTATION_OUT:-$tmp/out}"
mkdir -p "$out" "$tmp/bin"

# The `go` gremlins runs: `go test` exits 2 (NOT VIABLE) instead of 1 (KILLED) when the
# package or its test binary does not build ("FAIL <pkg> [build failed]" / "[setup failed]").
# The coverage run, whose duration sets each mutant's timeout, never reuses a cached test
# result (-count=1): a cached one takes a fraction of a second and times every mutant out.
cat >"$tmp/bin/go" <<EOF
#!/usr/bin/env bash
real=$(command -v go)
[ "\${1:-}" = test ] || exec "\$real" "\$@"
shift
extra=(-vet=off)
for a in "\$@"; do [ "\$a" != -coverprofile ] || extra+=(-count=1); done
log=\$(mktemp "$tmp/test-log.XXXXXX") # under the run's directory: a timed-out test is killed before its trap
trap 'rm -f "\$log"' EXIT
rc=0
"\$real" test "\${extra[@]}" "\$@" >"\$log" 2>&1 || rc=\$?
cat "\$log"
if [ "\$rc" -ne 0 ] && grep -qE '^FAIL[[:space:]].*\[(build|setup) failed\]' "\$log"; then
  exit 2
fi
exit "\$rc"
EOF
chmod +x "$tmp/bin/go"

flags=(--workers "$workers" --invert-logical --invert-loopctrl -E /
  --timeout-coefficient "${MUTATION_TIMEOUT_COEFFICIENT:-10}")

# Equivalent mutants as "path:line:col MUTATOR", comments and blank lines dropped.
eq_keys="$tmp/equivalent"
if [ -f "$equivalents" ]; then
  sed -e 's/#.*//' "$equivalents" | awk 'NF >= 2 { print $1 " " $2 }' >"$eq_keys"
else
  : >"$eq_keys"
fi

status=0
rows=()
lived_lines=()
start_all=$(date +%s)
for p in "${packages[@]}"; do
  slug=${p//\//_}
  printf 'mutation: %s ... ' "$p"
  start=$(date +%s)
  if ! PATH="$tmp/bin:$PATH" "$gremlins" unleash "${flags[@]}" -o "$out/$slug.json" "./$p" >"$out/$slug.log" 2>&1; then
    echo "gremlins failed:"
    cat "$out/$slug.log"
    rows+=("$(printf '%-32s %s' "$p" 'gremlins failed')")
    status=1
    continue
  fi
  secs=$(($(date +%s) - start))
  echo "${secs}s"

  # One line per mutant: "path:line:col TYPE STATUS".
  jq -r --arg p "$p" '.files[] | .file_name as $f | .mutations[] |
    "\($p)/\($f):\(.line):\(.column) \(.type) \(.status)"' "$out/$slug.json" >"$tmp/mutants"

  killed=0 lived=0 equivalent=0 notviable=0 timedout=0 notcovered=0
  while read -r pos type st; do
    if grep -qxF "$pos $type" "$eq_keys"; then
      if [ "$st" = KILLED ]; then
        lived_lines+=("  note: $pos $type is listed as equivalent but was KILLED: remove it from $equivalents")
      fi
      equivalent=$((equivalent + 1))
      continue
    fi
    case "$st" in
      KILLED) killed=$((killed + 1)) ;;
      LIVED) lived=$((lived + 1)); lived_lines+=("  LIVED $pos $type") ;;
      "NOT VIABLE") notviable=$((notviable + 1)) ;;
      "TIMED OUT") timedout=$((timedout + 1)); lived_lines+=("  TIMED OUT $pos $type") ;;
      "NOT COVERED") notcovered=$((notcovered + 1)) ;;
    esac
  done <"$tmp/mutants"
  # Entries for this package that match no mutant any more (moved code, changed mutator).
  while read -r key type; do
    [ "$(dirname "${key%%:*}")" = "$p" ] || continue
    grep -qF "$key $type " "$tmp/mutants" ||
      lived_lines+=("  note: $key $type in $equivalents matches no mutant: update or remove it")
  done <"$eq_keys"

  if [ $((killed + lived)) -eq 0 ]; then
    efficacy="n/a"
  else
    efficacy=$(awk -v k="$killed" -v l="$lived" 'BEGIN { printf "%.1f", 100 * k / (k + l) }')
    if awk -v e="$efficacy" -v t="$threshold" 'BEGIN { exit !(e < t) }'; then
      efficacy="$efficacy <"
      status=1
    fi
  fi
  rows+=("$(printf '%-32s %6d %6d %6d %6d %6d %6d %9s %6ss' "$p" "$killed" "$lived" "$equivalent" "$notviable" "$timedout" "$notcovered" "$efficacy" "$secs")")
done

echo
printf '%-32s %6s %6s %6s %6s %6s %6s %9s %7s\n' package killed lived equiv n-via t-out n-cov efficacy time
for r in "${rows[@]}"; do echo "$r"; done
printf 'threshold %s%%, total %ss\n' "$threshold" "$(($(date +%s) - start_all))"
for l in "${lived_lines[@]}"; do echo "$l"; done
[ "$status" -eq 0 ] || echo "mutation: FAIL: a package is under the threshold (marked <) or gremlins failed" >&2
exit "$status"

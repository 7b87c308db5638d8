#!/usr/bin/env bash
# Checks that the API documents in app/docs tell the truth, and fails on the first lie:
#
#   1. the documents are current: regenerating them from the annotations (make swag) gives
#      the committed swagger.json, swagger.yaml, docs.go and openapi.json, and they name
#      exactly the routes the server serves;
#   2. real traffic conforms: every request and response of the end-to-end tests goes
#      through a checker (app/contract, kin-openapi) against app/docs/openapi.json: each
#      answer must be documented for its operation and status, with its media type and a
#      body matching the schema, and each request the server accepts must be valid
#      according to the document; planted departures must be caught (app/contract tests);
#   3. the documents pass the lint rules of .spectral.yaml (Spectral, pinned in
#      deploy/contract/package-lock.json), warnings included.
#
#   deploy/contract/check.sh
#   TEST_DATABASE_URL='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' CI=true \
#     deploy/contract/check.sh        # the end-to-end tests on PostgreSQL as well
#
# The npm tools are installed once, from the committed lock file, under .cache/contract
# (CONTRACT_TOOLS_CACHE overrides it), and again whenever the lock file changes.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${CONTRACT_TOOLS_CACHE:-$root/.cache/contract}
spectral=$cache/node_modules/.bin/spectral

say() { printf 'contract: %s\n' "$*" >&2; }
die() { say "FAIL: $*"; exit 1; }

cd "$root"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. The documents are current and cover the routes.
say "1/3 the documents in app/docs are current and name every route"
go test -count=1 ./app -run '^(TestSwaggerDocsAreCurrent|TestOpenAPIMatchesRoutes)$' ||
  die "app/docs is stale or misses routes: run make swag and commit app/docs"

# 2. Real traffic against the document.
say "2/3 end-to-end traffic against app/docs/openapi.json"
CONTRACT_COVERAGE="$work/coverage.txt" go test -count=1 ./app/contract ./app/e2e ./app ||
  die "traffic departs from the document (see the 'API contract:' lines above), or a planted departure went unnoticed"
[ -s "$work/coverage.txt" ] || die "the end-to-end tests wrote no contract coverage"
head -n 1 "$work/coverage.txt" | sed 's/^/contract: /' >&2
sed -n '/^operations not reached/,$p' "$work/coverage.txt" | grep -v '^ *$' | sed 's/^/contract: /' >&2

# 3. Lint, with the pinned Spectral.
say "3/3 lint (.spectral.yaml)"
if [ ! -x "$spectral" ] || ! cmp -s "$here/package-lock.json" "$cache/package-lock.json"; then
  command -v npm >/dev/null || die "npm is needed to install the pinned Spectral (deploy/contract/package.json)"
  say "installing the tools of deploy/contract/package-lock.json into $cache"
  rm -rf "$cache"
  mkdir -p "$cache"
  cp "$here/package.json" "$here/package-lock.json" "$cache/"
  (cd "$cache" && npm ci --no-audit --no-fund --loglevel=error >&2) || die "npm ci failed"
fi
want=$(node -p "require('$here/package.json').devDependencies['@stoplight/spectral-cli']")
got=$("$spectral" --version)
[ "$got" = "$want" ] || die "Spectral $got is installed, $want is pinned"
for doc in app/docs/swagger.json app/docs/openapi.json; do
  "$spectral" lint "$doc" --ruleset .spectral.yaml --fail-severity=warn --format text ||
    die "$doc breaks the lint rules of .spectral.yaml"
done

say "PASS"

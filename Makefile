# The same commands CI runs (.ci/run), for people.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable

.PHONY: run test test-pg lint swag contract migrate ci http-test bench bench-smoke fuzz mutation console console-dev console-test

run: ## Run the server with the embedded defaults (SQLite + local files under ./data)
	go run ./app

test: ## Run every test; PostgreSQL tests run when TEST_DATABASE_URL is set, else they skip
	go test -race -count=1 ./...

test-pg: ## Run every test, PostgreSQL included
	TEST_DATABASE_URL='$(TEST_DATABASE_URL)' go test -race -count=1 ./...

lint: ## gofmt (generated app/docs excepted), go vet, go mod tidy -diff and golangci-lint, as in CI
	@out=$$(git ls-files --cached --others --exclude-standard -- '*.go' ':!:app/docs/**' | xargs -r gofmt -l); \
	if [ -n "$$out" ]; then echo "$$out"; echo "gofmt: the files above need gofmt -w"; exit 1; fi
	go vet ./...
	go mod tidy -diff
	$$(bash .ci/gotool golangci-lint) run ./...

swag: ## Regenerate the API documents in app/docs: Swagger 2 (swag) and OpenAPI 3 (converted in Go); the generator of the staleness test
	go test ./app -run '^TestSwaggerDocsAreCurrent$$' -count=1 -args -update-docs

console: ## Rebuild the web console into app/console/dist (npm ci, type check, vite build, source stamp); commit dist with the sources
	cd app/console && npm ci --no-audit --no-fund --loglevel=error && npm run build

console-dev: ## The console on Vite's dev server (http://localhost:5173), proxying the API to a running server (VMS_API, default http://127.0.0.1:8080)
	cd app/console && npm ci --no-audit --no-fund --loglevel=error && npm run dev

console-test: ## The console in a real browser (Playwright + Debian's chromium) against a freshly built server; screenshots in app/console/test-output
	bash app/console/tests/run.sh

contract: ## The API documents are current, end-to-end traffic conforms to them, and they pass .spectral.yaml (pinned Spectral via npm)
	bash deploy/contract/check.sh

migrate: ## make migrate CMD=up|down|status (uses DATABASE_URL / DATA_DIR like the server)
	go run ./app migrate $(or $(CMD),status)

ci: ## Everything CI runs, PostgreSQL start included
	bash .ci/run

http-test: ## Run deploy/http/*.http with httpyac against a freshly built server (HTTP_TEST_DATABASE_URL=postgres://… for PostgreSQL)
	bash deploy/http/run.sh

fuzz: ## Run every fuzz target in turn for FUZZTIME each (default 20s); failing inputs land in testdata/fuzz
	bash deploy/fuzz.sh

bench: ## Benchmarks against nginx/pgbench references measured in the same run (deploy/bench; DURATION=10s per sample)
	bash deploy/bench/run-all.sh

bench-smoke: ## The benchmarks in smoke mode (~1 minute, small data, targets not enforced), as CI runs them
	bash deploy/bench/run-all.sh --smoke

mutation: ## Mutation testing (gremlins) of the core packages, or PKGS="modules/points …", or CHANGED_SINCE=ref; MUTATION_THRESHOLD=85
	bash deploy/mutation.sh $(if $(CHANGED_SINCE),--changed-since $(CHANGED_SINCE)) $(PKGS)

SWAG ?= $(shell go env GOPATH)/bin/swag
SWAG_VERSION := v1.16.6

.PHONY: run test test-pg lint swag migrate http-test bench

run: ## Run the server with the embedded defaults (SQLite + local files)
	go run ./app

test: ## Run every test (PostgreSQL tests need TEST_DATABASE_URL)
	go test -race -count=1 ./...

lint:
	gofmt -l . | grep -v '^app/docs/' | (! grep .)
	go vet ./...

$(SWAG):
	go install github.com/swaggo/swag/cmd/swag@$(SWAG_VERSION)

swag: $(SWAG) ## Regenerate the OpenAPI document in app/docs
	$(SWAG) init --quiet -g main.go -d app,platform/httpserver,modules --parseInternal -o app/docs --outputTypes go,json,yaml
	gofmt -w app/docs

migrate: ## make migrate CMD=up|down|status
	go run ./app migrate $(or $(CMD),status)

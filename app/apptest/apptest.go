// Package apptest starts the whole application in-process on a real listener, on SQLite or
// PostgreSQL, for end-to-end tests driven over HTTP.
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"vms/app/contract"
	"vms/app/docs"
	"vms/app/wiring"
	"vms/platform/config"
	"vms/platform/database"
	"vms/platform/database/dbtest"
	"vms/platform/httpserver"
	"vms/platform/scheduler"
)

// App is a running application.
type App struct {
	T       testing.TB
	BaseURL string
	Config  config.Config
	DB      *database.DB
	Client  *http.Client
	// Jobs are the periodic jobs the modules contribute, to run directly.
	Jobs []scheduler.Job
}

// periodicJobs collects the scheduler jobs of the graph.
type periodicJobs struct {
	fx.In
	Jobs []scheduler.Job `group:"periodic"`
}

var (
	checkerOnce sync.Once
	checker     *contract.Checker
	checkerErr  error
)

// Contract is the checker every App's Client goes through: each exchange with the App is
// checked against the committed OpenAPI 3 document (app/docs/openapi.json), and a departure
// fails the test that made the request. It is shared by the Apps of a test binary, so
// Contract().Seen() tells which operations and statuses its tests reached.
func Contract() (*contract.Checker, error) {
	checkerOnce.Do(func() { checker, checkerErr = contract.NewChecker(docs.OpenAPI3) })
	return checker, checkerErr
}

// Backend names the database an App runs on: "sqlite" or "postgres".
type Backend string

// The backends.
const (
	SQLite   Backend = "sqlite"
	Postgres Backend = "postgres"
)

// Backends lists the backends an App runs on.
func Backends() []Backend { return []Backend{SQLite, Postgres} }

// Each runs fn as a subtest with a fresh App on every backend.
func Each(t *testing.T, env map[string]string, fn func(t *testing.T, a *App)) {
	for _, b := range Backends() {
		t.Run(string(b), func(t *testing.T) { fn(t, Start(t, b, env)) })
	}
}

// Config is the configuration Start runs the application with: a fresh database of the
// given backend, a temp data folder, 127.0.0.1 on a free port. env overrides settings
// (names as in the README).
func Config(t testing.TB, backend Backend, env map[string]string) config.Config {
	t.Helper()
	dir := t.TempDir()
	vars := map[string]string{
		"HTTP_ADDR":  "127.0.0.1:0",
		"APP_ENV":    "test",
		"DATA_DIR":   dir,
		"JWT_SECRET": "test-secret-test-secret-test-secret-0123456789",
		"LOG_LEVEL":  "error",
		// Test packages run in parallel against one PostgreSQL server: keep pools small.
		"DB_MAX_OPEN_CONNS": "10",
		"DB_MAX_IDLE_CONNS": "5",
	}
	if backend == Postgres {
		vars["DATABASE_URL"] = dbtest.PostgresURL(t)
	} else {
		vars["DATABASE_URL"] = "sqlite://" + filepath.ToSlash(filepath.Join(dir, "vms.db"))
	}
	for k, v := range env {
		vars[k] = v
	}
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := vars[k]; return v, ok })
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	return cfg
}

// Start runs the full application on a fresh database of the given backend, listening on
// 127.0.0.1 on a free port. env overrides settings (names as in the README).
func Start(t testing.TB, backend Backend, env map[string]string) *App {
	t.Helper()
	cfg := Config(t, backend, env)
	var (
		srv *httpserver.Server
		db  *database.DB
		pj  periodicJobs
	)
	app := fxtest.New(t, fx.NopLogger, wiring.Options(cfg), fx.Populate(&srv, &db, &pj))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := app.Start(ctx); err != nil {
		t.Fatalf("start app: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = app.Stop(ctx)
	})
	c, err := Contract()
	if err != nil {
		t.Fatal(err)
	}
	checked := &contract.Transport{
		Base:    http.DefaultTransport,
		Checker: c,
		Host:    srv.Addr().String(),
		Report:  func(err error) { t.Errorf("API contract: %v", err) },
	}
	return &App{
		T:       t,
		BaseURL: "http://" + srv.Addr().String(),
		Config:  cfg,
		DB:      db,
		Jobs:    pj.Jobs,
		Client: &http.Client{
			Transport:     checked,
			Timeout:       60 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
}

// Response is a read HTTP response.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test on error.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %q: %v", r.Body, err)
	}
}

// Do sends a request. body may be nil, a []byte, a string, an io.Reader or a value
// marshalled as JSON. token, when set, is sent as a Bearer token. headers are "Name: value".
func (a *App) Do(method, path string, body any, token string, headers ...string) *Response {
	a.T.Helper()
	var rd io.Reader
	isJSON := false
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	case io.Reader:
		rd = b
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			a.T.Fatalf("marshal: %v", err)
		}
		rd = bytes.NewReader(raw)
		isJSON = true
	}
	req, err := http.NewRequest(method, a.BaseURL+path, rd)
	if err != nil {
		a.T.Fatalf("request: %v", err)
	}
	if isJSON || (rd != nil && method != http.MethodGet) {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	res, err := a.Client.Do(req)
	if err != nil {
		a.T.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		a.T.Fatalf("read %s %s: %v", method, path, err)
	}
	return &Response{Status: res.StatusCode, Header: res.Header, Body: raw}
}

// Expect fails the test unless the response has the status.
func (r *Response) Expect(t testing.TB, status int) *Response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d; body: %s", r.Status, status, r.Body)
	}
	return r
}

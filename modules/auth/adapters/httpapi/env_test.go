package httpapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"vms/modules/auth/adapters/httpapi"
	"vms/modules/auth/adapters/jwttoken"
	"vms/modules/auth/fake"
	"vms/modules/auth/ports"
	"vms/modules/auth/service"
	"vms/platform/clock"
	"vms/platform/config"
	"vms/platform/httpserver"
	"vms/platform/httpserver/httptestkit"
)

var (
	t0     = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	admin  = ports.Identity{UserID: 1, CorporationID: 10, Role: "admin"}
	guest  = ports.Identity{UserID: 2, CorporationID: 10, Role: "guest"}
	other  = ports.Identity{UserID: 3, CorporationID: 20, Role: "admin"}
	secret = []byte("0123456789abcdef0123456789abcdef-test")
)

const password = "a-good-password"

type env struct {
	h        http.Handler
	store    *fake.Store
	keys     *fake.Keys
	accounts *fake.Accounts
	clock    *clock.Fake
	signer   *jwttoken.Signer
	authn    *httpapi.Authenticator
}

// newEnv serves the auth routes through the platform's engine, with fakes behind them.
func newEnv(t *testing.T, trusted ...string) *env {
	t.Helper()
	return newEnvWith(t, httpapi.CookieOptions{TTL: 336 * time.Hour}, trusted...)
}

// newEnvWith is newEnv with the given refresh-cookie options.
func newEnvWith(t *testing.T, cookie httpapi.CookieOptions, trusted ...string) *env {
	t.Helper()
	clock := clock.NewFake(t0)
	signer, err := jwttoken.NewSigner(secret, 15*time.Minute, clock)
	if err != nil {
		t.Fatal(err)
	}
	store := fake.NewStore()
	accounts := fake.NewAccounts()
	accounts.Add(admin, "admin@acme.example", password)
	accounts.Add(guest, "guest@acme.example", password)
	accounts.Add(other, "boss@other.example", password)
	svc := service.New(accounts, store, store, signer, clock, 336*time.Hour)
	keyStore := fake.NewKeys()
	keys := service.NewKeys(keyStore, keyStore, clock, service.NewKeyCache(clock, time.Second, 100), service.NewLastUsed(keyStore, clock))
	authn := httpapi.NewAuthenticator(service.NewAuthenticator(accounts, signer, service.NewActiveCache(clock, time.Second, 100), keys))
	cfg := config.Config{}
	for _, p := range trusted {
		cfg.TrustedProxies = append(cfg.TrustedProxies, netip.MustParsePrefix(p))
	}
	guard := httpserver.NewGuard(authn)
	engine := httptestkit.EngineWith(t, cfg, httpapi.NewHandlers(svc, guard, cookie), httpapi.NewKeyHandlers(keys, guard))
	return &env{h: engine, store: store, keys: keyStore, accounts: accounts, clock: clock, signer: signer, authn: authn}
}

type reply struct {
	status int
	header http.Header
	body   string
}

func (e *env) do(t *testing.T, method, path, body, token string, headers ...string) reply {
	t.Helper()
	if token != "" {
		headers = append([]string{"Authorization: Bearer " + token}, headers...)
	}
	return e.serve(e.request(method, path, body, headers...))
}

// request builds a request from a client address; headers are "Name: value".
func (e *env) request(method, path, body string, headers ...string) *http.Request {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	req.RemoteAddr = "192.0.2.1:1234"
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	return req
}

func (e *env) serve(req *http.Request) reply {
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return reply{status: rec.Code, header: rec.Header(), body: rec.Body.String()}
}

func (r reply) expect(t *testing.T, status int) reply {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	if status >= 400 && !strings.HasPrefix(r.header.Get("Content-Type"), httpserver.ProblemContentType) {
		t.Fatalf("error content type %q", r.header.Get("Content-Type"))
	}
	return r
}

func (r reply) problem(t *testing.T) httpserver.Problem {
	t.Helper()
	var p httpserver.Problem
	if err := json.Unmarshal([]byte(r.body), &p); err != nil {
		t.Fatalf("problem body %q: %v", r.body, err)
	}
	return p
}

type tokens struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
}

func (e *env) login(t *testing.T, email string) tokens {
	t.Helper()
	r := e.do(t, "POST", "/v1/auth/login", `{"email":"`+email+`","password":"`+password+`"}`, "").expect(t, 200)
	var out tokens
	if err := json.Unmarshal([]byte(r.body), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

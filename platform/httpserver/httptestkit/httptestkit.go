// Package httptestkit helps modules' handler tests: an authenticator over a map of tokens,
// the application's gin engine built around a module's routes, and the properties every
// answer to a JSON body has.
package httptestkit

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"vms/platform/config"
	"vms/platform/httpserver"
	"vms/platform/kind"
	"vms/platform/principal"
)

// Tokens is an authenticator that maps a token to its principal. A Bearer token is looked
// up on every guarded route. On a route that takes playback tokens, a request without a
// Bearer token is looked up by its ?token= parameter; a principal with a PlaybackVideoID
// is a playback token and is refused on every other route.
type Tokens map[string]principal.Principal

var _ httpserver.Authenticator = Tokens(nil)

// Authenticate resolves the request's token, or fails with kind.Unauthorized.
func (tk Tokens) Authenticate(r *http.Request, allowPlayback bool) (principal.Principal, error) {
	raw, bearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !bearer && allowPlayback {
		raw = r.URL.Query().Get("token")
	}
	p, ok := tk[raw]
	if !ok || raw == "" || (p.PlaybackVideoID != 0 && !allowPlayback) {
		return principal.Principal{}, kind.New(kind.Unauthorized, "sign in first")
	}
	return p, nil
}

// Engine builds the application's engine (httpserver.NewEngine with the zero
// configuration, a discarded log and a fresh metrics registry) around the routes. A
// failure fails the test.
func Engine(t testing.TB, routes ...httpserver.Registrar) *gin.Engine {
	t.Helper()
	return EngineWith(t, config.Config{}, routes...)
}

// EngineWith is Engine with a configuration.
func EngineWith(t testing.TB, cfg config.Config, routes ...httpserver.Registrar) *gin.Engine {
	t.Helper()
	e, err := httpserver.NewEngine(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry(), routes)
	if err != nil {
		t.Fatalf("engine: %v", err)
	}
	return e
}

// CheckJSONAnswer fails the test unless the answer to a request whose JSON body was body
// has the properties every such answer has: never a 5xx, problem+json for every status of
// 400 and above, and a 2xx only for a body that is valid JSON. route names the request in
// the failure.
func CheckJSONAnswer(t testing.TB, route string, body []byte, rec *httptest.ResponseRecorder) {
	t.Helper()
	ct := rec.Header().Get("Content-Type")
	switch {
	case rec.Code >= 500:
		t.Fatalf("%s %q: %d %s", route, body, rec.Code, rec.Body)
	case rec.Code >= 400 && !strings.HasPrefix(ct, httpserver.ProblemContentType):
		t.Fatalf("%s %q: %d with content type %q", route, body, rec.Code, ct)
	case rec.Code < 300 && !json.Valid(body):
		t.Fatalf("%s %q: %d for a body that is not JSON", route, body, rec.Code)
	}
}

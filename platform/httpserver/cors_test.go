package httpserver_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"vms/platform/config"
	"vms/platform/httpserver"
)

func corsEngine() *gin.Engine {
	gin.SetMode(gin.TestMode)
	c := httpserver.NewCORS(config.Config{CORSOrigins: []string{"https://app.example.com"}})
	e := gin.New()
	e.GET("/x", c.Allow(), func(ctx *gin.Context) { ctx.String(200, "ok") })
	e.OPTIONS("/x", c.Preflight())
	return e
}

func TestCORSAllowsListedOriginsOnly(t *testing.T) {
	e := corsEngine()
	for origin, allowed := range map[string]bool{"https://app.example.com": true, "https://APP.example.com": true, "https://evil.example": false, "": false} {
		req := httptest.NewRequest(http.MethodGet, "/x", nil)
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		w := httptest.NewRecorder()
		e.ServeHTTP(w, req)
		got := w.Header().Get("Access-Control-Allow-Origin")
		if allowed && got != origin || !allowed && got != "" {
			t.Errorf("Origin %q: Access-Control-Allow-Origin %q", origin, got)
		}
		if w.Header().Get("Vary") != "Origin" || w.Code != 200 {
			t.Errorf("Origin %q: Vary %q, status %d", origin, w.Header().Get("Vary"), w.Code)
		}
		if allowed && w.Header().Get("Access-Control-Expose-Headers") == "" {
			t.Errorf("Origin %q: no exposed headers", origin)
		}
		if w.Header().Get("Access-Control-Allow-Credentials") != "" {
			t.Error("credentials are never allowed")
		}
	}
}

func TestCORSPreflight(t *testing.T) {
	e := corsEngine()
	for origin, allowed := range map[string]bool{"https://app.example.com": true, "https://evil.example": false} {
		req := httptest.NewRequest(http.MethodOptions, "/x", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "GET")
		req.Header.Set("Access-Control-Request-Headers", "range")
		w := httptest.NewRecorder()
		e.ServeHTTP(w, req)
		if w.Code != http.StatusNoContent {
			t.Fatalf("preflight status %d", w.Code)
		}
		methods, headers := w.Header().Get("Access-Control-Allow-Methods"), w.Header().Get("Access-Control-Allow-Headers")
		if allowed && (methods == "" || headers == "" || w.Header().Get("Access-Control-Allow-Origin") != origin) {
			t.Errorf("allowed origin: methods %q headers %q", methods, headers)
		}
		if !allowed && (methods != "" || w.Header().Get("Access-Control-Allow-Origin") != "") {
			t.Errorf("other origin got methods %q", methods)
		}
	}
}

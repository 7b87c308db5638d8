package httpserver

import (
	"bufio"
	"encoding/json"
	"net/netip"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"vms/platform/config"
)

func ipServer(t *testing.T, trusted ...string) *testServer {
	var cfg config.Config
	for _, p := range trusted {
		cfg.TrustedProxies = append(cfg.TrustedProxies, netip.MustParsePrefix(p))
	}
	return newTestServer(t, cfg, route("GET", "/ip", func(c *gin.Context) { c.String(200, c.ClientIP()) }))
}

func TestRequestID(t *testing.T) {
	srv := ipServer(t)
	hex16 := regexp.MustCompile(`^[0-9a-f]{16}$`)
	r := srv.do(t, "GET", "/ip", nil)
	generated := r.header.Get("X-Request-ID")
	if !hex16.MatchString(generated) {
		t.Fatalf("generated id %q", generated)
	}
	if again := srv.do(t, "GET", "/ip", nil).header.Get("X-Request-ID"); again == generated {
		t.Fatal("two requests got the same generated id")
	}
	if got := srv.do(t, "GET", "/ip", nil, "X-Request-ID: trace-42.a_B").header.Get("X-Request-ID"); got != "trace-42.a_B" {
		t.Fatalf("well-formed id not echoed: %q", got)
	}
	for _, hostile := range []string{"<script>alert(1)</script>", "a b", strings.Repeat("x", 65), "id\"}", "ünïcode"} {
		got := srv.do(t, "GET", "/ip", nil, "X-Request-ID: "+hostile).header.Get("X-Request-ID")
		if !hex16.MatchString(got) {
			t.Errorf("hostile id %q answered with %q, want a fresh one", hostile, got)
		}
	}
	if !strings.Contains(srv.log.String(), `"request_id":"trace-42.a_B"`) {
		t.Fatal("access log lacks the request id")
	}
}

func TestAccessLogIsJSONWithoutSecrets(t *testing.T) {
	srv := ipServer(t)
	srv.do(t, "GET", "/ip?token=playback-secret-123&x=1", nil, "Authorization: Bearer bearer-secret-456", "Cookie: session=cookie-secret")
	srv.do(t, "GET", "/nowhere?token=another-secret", nil)
	out := srv.log.String()
	for _, secret := range []string{"playback-secret-123", "bearer-secret-456", "cookie-secret", "another-secret", "Bearer"} {
		if strings.Contains(out, secret) {
			t.Errorf("access log contains %q:\n%s", secret, out)
		}
	}
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", sc.Text())
		}
		if m["msg"] == "request" {
			lines = append(lines, m)
		}
	}
	if len(lines) != 2 {
		t.Fatalf("%d access log lines, want 2:\n%s", len(lines), out)
	}
	first, second := lines[0], lines[1]
	if first["path"] != "/ip" || first["route"] != "/ip" || first["method"] != "GET" || first["status"] != float64(200) || first["client_ip"] != "127.0.0.1" {
		t.Fatalf("first line %v", first)
	}
	if second["route"] != "unmatched" || second["status"] != float64(404) {
		t.Fatalf("second line %v", second)
	}
	for _, k := range []string{"request_id", "duration", "bytes", "time", "level"} {
		if _, ok := first[k]; !ok {
			t.Errorf("access log line lacks %q: %v", k, first)
		}
	}
}

func TestClientIPHonoursTrustedProxies(t *testing.T) {
	untrusting := ipServer(t)
	if got := untrusting.do(t, "GET", "/ip", nil, "X-Forwarded-For: 203.0.113.9", "X-Real-IP: 203.0.113.10"); string(got.body) != "127.0.0.1" {
		t.Fatalf("without TRUSTED_PROXIES the forwarded address was believed: %s", got.body)
	}
	trusting := ipServer(t, "127.0.0.1/32")
	if got := trusting.do(t, "GET", "/ip", nil, "X-Forwarded-For: 203.0.113.9"); string(got.body) != "203.0.113.9" {
		t.Fatalf("trusted proxy's X-Forwarded-For ignored: %s", got.body)
	}
	// A client-supplied entry left of the proxy's own is not taken over the proxy's view.
	if got := trusting.do(t, "GET", "/ip", nil, "X-Forwarded-For: 6.6.6.6, 198.51.100.7"); string(got.body) != "198.51.100.7" {
		t.Fatalf("spoofed chain: %s", got.body)
	}
	other := ipServer(t, "10.0.0.0/8")
	if got := other.do(t, "GET", "/ip", nil, "X-Forwarded-For: 203.0.113.9"); string(got.body) != "127.0.0.1" {
		t.Fatalf("untrusted peer's X-Forwarded-For believed: %s", got.body)
	}
}

func TestSecurityHeaders(t *testing.T) {
	r := ipServer(t).do(t, "GET", "/ip", nil)
	if r.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("headers %v", r.header)
	}
}

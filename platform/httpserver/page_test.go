package httpserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"vms/platform/config"
)

func TestCursorRoundTrip(t *testing.T) {
	for _, id := range []int64{0, 1, 42, 1 << 53} {
		got, err := DecodeCursor(EncodeCursor(id))
		if err != nil || got != id {
			t.Errorf("round trip %d: %d, %v", id, got, err)
		}
	}
	for _, bad := range []string{"", "!!!", "aWQ6", "eDox", "aWQ6LTE", "aWQ6YWJj"} {
		if _, err := DecodeCursor(bad); err == nil {
			t.Errorf("DecodeCursor(%q) accepted", bad)
		}
	}
}

var linkRE = regexp.MustCompile(`^<([^>]+)>; rel="next"$`)

func TestPaginationFollowsLinks(t *testing.T) {
	const total = 7
	srv := newTestServer(t, config.Config{}, route("GET", "/items", func(c *gin.Context) {
		p, err := ParsePage(c)
		if err != nil {
			Fail(c, err)
			return
		}
		var ids []int64
		for id := p.After + 1; id <= total && len(ids) < p.Limit; id++ {
			ids = append(ids, id)
		}
		var last int64
		if len(ids) > 0 {
			last = ids[len(ids)-1]
		}
		SetNextLink(c, p, len(ids), last)
		c.JSON(200, ids)
	}))

	var all []int64
	next := "/items?limit=3&q=keep+me"
	for pages := 0; next != ""; pages++ {
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		r := srv.do(t, "GET", next, nil)
		if r.status != 200 {
			t.Fatalf("GET %s: %d %s", next, r.status, r.body)
		}
		var ids []int64
		if err := json.Unmarshal(r.body, &ids); err != nil {
			t.Fatal(err)
		}
		all = append(all, ids...)
		next = ""
		if link := r.header.Get("Link"); link != "" {
			m := linkRE.FindStringSubmatch(link)
			if m == nil {
				t.Fatalf("Link header %q", link)
			}
			u, err := url.Parse(m[1])
			if err != nil || u.Path != "/items" || u.Query().Get("q") != "keep me" || u.Query().Get("limit") != "3" {
				t.Fatalf("next link %q lost the path or query", m[1])
			}
			next = m[1]
		}
	}
	if fmt.Sprint(all) != "[1 2 3 4 5 6 7]" {
		t.Fatalf("items over all pages: %v", all)
	}

	r := srv.do(t, "GET", "/items", nil)
	var ids []int64
	_ = json.Unmarshal(r.body, &ids)
	if len(ids) != total || r.header.Get("Link") != "" {
		t.Fatalf("default limit: %d items, Link %q", len(ids), r.header.Get("Link"))
	}
	for _, q := range []string{"limit=0", "limit=101", "limit=x", "cursor=bogus", "cursor=" + url.QueryEscape("aWQ6LTE")} {
		r := srv.do(t, "GET", "/items?"+q, nil)
		if r.status != 400 {
			t.Errorf("%s: status %d", q, r.status)
			continue
		}
		if p := r.problem(t); len(p.Errors) != 1 {
			t.Errorf("%s: errors %+v", q, p.Errors)
		}
	}
	if r := srv.do(t, "GET", "/items?limit="+strconv.Itoa(MaxLimit), nil); r.status != 200 {
		t.Fatalf("limit=%d: %d", MaxLimit, r.status)
	}
}

func TestReadiness(t *testing.T) {
	healthy := CheckFunc("database", func(context.Context) error { return nil })
	failing := CheckFunc("storage", func(context.Context) error { return errors.New("folder not writable") })

	srv := newTestServer(t, config.Config{}, NewHealth([]Check{healthy}))
	if r := srv.do(t, "GET", "/healthz", nil); r.status != 200 || !strings.Contains(string(r.body), `"ok"`) {
		t.Fatalf("healthz: %d %s", r.status, r.body)
	}
	if r := srv.do(t, "GET", "/readyz", nil); r.status != 200 {
		t.Fatalf("readyz healthy: %d %s", r.status, r.body)
	}

	srv = newTestServer(t, config.Config{}, NewHealth([]Check{healthy, failing}))
	r := srv.do(t, "GET", "/readyz", nil)
	var st HealthStatus
	if err := json.Unmarshal(r.body, &st); err != nil {
		t.Fatal(err)
	}
	if r.status != 503 || st.Status != "unavailable" || st.Checks["database"] != "ok" || !strings.HasPrefix(st.Checks["storage"], "failing") {
		t.Fatalf("readyz failing: %d %+v", r.status, st)
	}
	if r := srv.do(t, "HEAD", "/readyz", nil); r.status != 503 || len(r.body) != 0 {
		t.Fatalf("HEAD readyz: %d %q", r.status, r.body)
	}
	if r := srv.do(t, "GET", "/healthz", nil); r.status != 200 {
		t.Fatalf("liveness must not depend on readiness checks: %d", r.status)
	}
}

func TestMetricsEndpoint(t *testing.T) {
	srv := newTestServer(t, config.Config{}, route("GET", "/things/:id", func(c *gin.Context) { c.Status(204) }))
	srv.do(t, "GET", "/things/1", nil)
	srv.do(t, "GET", "/things/2", nil)
	srv.do(t, "POST", "/things/2", nil)
	srv.do(t, "GET", "/missing", nil)
	r := srv.do(t, "GET", "/metrics", nil)
	if r.status != 200 {
		t.Fatalf("/metrics: %d", r.status)
	}
	body := string(r.body)
	for _, want := range []string{
		`vms_http_requests_total{method="GET",route="/things/:id",status="204"} 2`,
		`vms_http_requests_total{method="POST",route="unmatched",status="405"} 1`,
		`vms_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`vms_http_request_duration_seconds_bucket{method="GET",route="/things/:id",le="0.005"}`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	separate := newTestServer(t, config.Config{MetricsAddr: "127.0.0.1:0"})
	if r := separate.do(t, "GET", "/metrics", nil); r.status != 404 {
		t.Fatalf("with METRICS_ADDR the API listener still serves /metrics: %d", r.status)
	}
}

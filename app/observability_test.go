package main

import (
	"strconv"
	"strings"
	"testing"

	"vms/app/apptest"
)

func TestMetricsAndReadinessOfTheWholeApp(t *testing.T) {
	apptest.Each(t, nil, func(t *testing.T, a *apptest.App) {
		a.Do("GET", "/healthz", nil, "").Expect(t, 200)
		a.Do("GET", "/readyz", nil, "").Expect(t, 200)
		// Under /v1 (elsewhere a GET is a page of the web console).
		a.Do("GET", "/v1/no/such/thing", nil, "").Expect(t, 404)
		body := string(a.Do("GET", "/metrics", nil, "").Expect(t, 200).Body)
		dialect := string(a.DB.Dialect)
		for _, want := range []string{
			`vms_http_requests_total{method="GET",route="/healthz",status="200"} 1`,
			`vms_http_requests_total{method="GET",route="/readyz",status="200"} 1`,
			`vms_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
			`go_sql_open_connections{db_name="` + dialect + `"}`,
			`go_sql_in_use_connections{db_name="` + dialect + `"}`,
			`go_sql_max_open_connections{db_name="` + dialect + `"} ` + strconv.Itoa(a.Config.DBMaxOpenConns),
			`go_sql_wait_count_total{db_name="` + dialect + `"}`,
			"go_goroutines ",
			"process_open_fds ",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}

		a.Do("GET", "/docs", nil, "").Expect(t, 301)
		if r := a.Do("GET", "/docs/doc.json", nil, ""); r.Status != 200 || !strings.Contains(string(r.Body), `"swagger"`) {
			t.Fatalf("/docs/doc.json: %d", r.Status)
		}
		if r := a.Do("GET", "/docs/openapi.json", nil, ""); r.Status != 200 || !strings.Contains(string(r.Body), `"openapi": "3.`) ||
			!strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("/docs/openapi.json: %d %s", r.Status, r.Header.Get("Content-Type"))
		}

		// With the database gone, readiness fails and names the check; liveness stays up.
		if err := a.DB.Close(); err != nil {
			t.Fatal(err)
		}
		r := a.Do("GET", "/readyz", nil, "").Expect(t, 503)
		if !strings.Contains(string(r.Body), `"database":"failing`) || !strings.Contains(string(r.Body), `"storage":"ok"`) {
			t.Fatalf("/readyz without a database: %s", r.Body)
		}
		a.Do("GET", "/healthz", nil, "").Expect(t, 200)
	})
}

func TestSeparateMetricsListener(t *testing.T) {
	a := apptest.Start(t, apptest.SQLite, map[string]string{"METRICS_ADDR": "127.0.0.1:0"})
	a.Do("GET", "/metrics", nil, "").Expect(t, 404)
}

package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"vms/modules/usage/adapters/httpapi"
	"vms/modules/usage/domain"
	"vms/modules/usage/fake"
	"vms/modules/usage/service"
	"vms/platform/clock"
	"vms/platform/database/uowtest"
	"vms/platform/httpserver"
	"vms/platform/httpserver/httptestkit"
	"vms/platform/principal"
)

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func TestUsageRoute(t *testing.T) {
	repo := fake.NewRepository()
	uow := &uowtest.UnitOfWork{Stores: []uowtest.Snapshotter{repo}}
	svc := service.New(service.NewLedger(service.Deps{Repo: repo, UoW: uow, Clock: clock.NewFake(now)}), fake.NewPlans(), service.Settings{FreeQuota: 1000})
	ctx := context.Background()
	if err := svc.Reserve(ctx, 7, "a", 300, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := svc.Settle(ctx, 7, "a", 70, 250); err != nil {
		t.Fatal(err)
	}
	_ = repo.AddTraffic(ctx, []domain.Traffic{{CorporationID: 7, Day: domain.DayOf(now), EgressBytes: 4096, FirstViews: 2}})
	tokens := httptestkit.Tokens{
		"admin": {UserID: 1, CorporationID: 7, Role: principal.RoleAdmin},
		"guest": {UserID: 2, CorporationID: 7, Role: principal.RoleGuest},
		"other": {UserID: 3, CorporationID: 8, Role: principal.RoleAdmin},
	}
	h := httptestkit.Engine(t, httpapi.New(svc, httpserver.NewGuard(tokens)))
	do := func(path, token string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}

	rec := do("/v1/corporations/7/usage?from=2026-02-28&to=2026-03-01", "admin")
	want := `{"quota_bytes":1000,"used_bytes":250,"reserved_bytes":0,"days":[` +
		`{"date":"2026-02-28","stored_bytes":0,"egress_bytes":0,"first_views":0,"uploads":0},` +
		`{"date":"2026-03-01","stored_bytes":250,"egress_bytes":4096,"first_views":2,"uploads":1}]}`
	if rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != want {
		t.Fatalf("usage: %d %s", rec.Code, rec.Body)
	}
	var r httpapi.UsageResponse
	if err := json.Unmarshal(do("/v1/corporations/7/usage", "admin").Body.Bytes(), &r); err != nil || len(r.Days) != 30 || r.Days[29].Date != "2026-03-01" {
		t.Fatalf("default period: %+v %v", r, err)
	}
	for _, tc := range []struct {
		path, token string
		status      int
	}{
		{"/v1/corporations/7/usage", "", http.StatusUnauthorized},
		{"/v1/corporations/7/usage", "guest", http.StatusForbidden},
		{"/v1/corporations/7/usage", "other", http.StatusNotFound},
		{"/v1/corporations/8/usage", "admin", http.StatusNotFound},
		{"/v1/corporations/0/usage", "admin", http.StatusBadRequest},
		{"/v1/corporations/acme/usage", "admin", http.StatusBadRequest},
		{"/v1/corporations/7/usage?from=March", "admin", http.StatusUnprocessableEntity},
		{"/v1/corporations/7/usage?from=2024-01-01&to=2025-01-01", "admin", http.StatusUnprocessableEntity},
	} {
		rec := do(tc.path, tc.token)
		if rec.Code != tc.status || !strings.HasPrefix(rec.Header().Get("Content-Type"), httpserver.ProblemContentType) {
			t.Errorf("%s as %q: %d %s, want %d", tc.path, tc.token, rec.Code, rec.Body, tc.status)
		}
	}
}

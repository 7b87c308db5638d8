package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"vms/modules/analytics/adapters/httpapi"
	"vms/modules/analytics/domain"
	"vms/modules/analytics/fake"
	"vms/modules/analytics/service"
	"vms/platform/database/uowtest"
	"vms/platform/httpserver"
	"vms/platform/httpserver/httptestkit"
	"vms/platform/principal"
)

func TestAnalyticsRoute(t *testing.T) {
	repo := fake.NewRepository()
	w := domain.Watch{VideoID: 7, UserID: 2, Duration: 10}
	for s := range 9 {
		w.Seconds.Set(s)
	}
	if err := (&uowtest.UnitOfWork{}).Do(context.Background(), func(ctx context.Context) error { return repo.Merge(ctx, []domain.Watch{w}) }); err != nil {
		t.Fatal(err)
	}
	tokens := httptestkit.Tokens{
		"admin":  {UserID: 1, CorporationID: 100, Role: principal.RoleAdmin},
		"guest":  {UserID: 2, CorporationID: 100, Role: principal.RoleGuest},
		"other":  {UserID: 3, CorporationID: 200, Role: principal.RoleAdmin},
		"player": {UserID: 1, CorporationID: 100, Role: principal.RoleAdmin, PlaybackVideoID: 7},
	}
	reports := &service.Reports{Repo: repo, Videos: fake.Videos{7: 100, 8: 200}}
	engine := httptestkit.Engine(t, httpapi.New(reports, httpserver.NewGuard(tokens)))
	get := func(path, token string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		engine.ServeHTTP(rec, req)
		return rec
	}
	rec := get("/v1/videos/7/analytics", "admin")
	if rec.Code != http.StatusOK {
		t.Fatalf("admin: %d %s", rec.Code, rec.Body)
	}
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	want := `{"completion_rate":1,"median_watch_seconds":9,"retention":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,0,0],"total_watch_seconds":9,"unique_viewers":1}`
	if got, _ := json.Marshal(body); string(got) != want {
		t.Fatalf("body %s\nwant %s", got, want)
	}
	for _, c := range []struct {
		path, token string
		status      int
	}{
		{"/v1/videos/7/analytics", "", http.StatusUnauthorized},
		{"/v1/videos/7/analytics?token=player", "", http.StatusUnauthorized},
		{"/v1/videos/7/analytics", "guest", http.StatusForbidden},
		{"/v1/videos/7/analytics", "other", http.StatusNotFound},
		{"/v1/videos/8/analytics", "admin", http.StatusNotFound},
		{"/v1/videos/9/analytics", "admin", http.StatusNotFound},
		{"/v1/videos/0/analytics", "admin", http.StatusBadRequest},
		{"/v1/videos/abc/analytics", "admin", http.StatusBadRequest},
	} {
		rec := get(c.path, c.token)
		if rec.Code != c.status || !strings.HasPrefix(rec.Header().Get("Content-Type"), httpserver.ProblemContentType) {
			t.Errorf("%s as %q: %d %s, want %d", c.path, c.token, rec.Code, rec.Header().Get("Content-Type"), c.status)
		}
	}
}

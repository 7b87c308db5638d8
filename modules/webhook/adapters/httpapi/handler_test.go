package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"vms/modules/webhook/adapters/httpapi"
	"vms/modules/webhook/domain"
	"vms/modules/webhook/fake"
	"vms/modules/webhook/service"
	"vms/platform/clock"
	"vms/platform/database/uowtest"
	"vms/platform/httpserver"
	"vms/platform/httpserver/httptestkit"
	"vms/platform/principal"
)

type env struct {
	engine *gin.Engine
	svc    *service.Service
	repo   *fake.Repository
}

func newEnv(t *testing.T) *env {
	t.Helper()
	gin.SetMode(gin.TestMode)
	repo := fake.NewRepository()
	svc := service.New(service.Deps{
		Repo: repo, Queue: &fake.Queue{}, Sender: &fake.Sender{}, URLs: fake.URLCheck{Internal: []string{"127.0.0.1"}},
		Videos: fake.Videos{}, UoW: &uowtest.UnitOfWork{Stores: []uowtest.Snapshotter{repo}}, Clock: clock.NewFake(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)), Relay: &fake.Waker{},
	})
	tokens := httptestkit.Tokens{
		"admin":    {UserID: 1, CorporationID: 100, Role: principal.RoleAdmin},
		"guest":    {UserID: 2, CorporationID: 100, Role: principal.RoleGuest},
		"outsider": {UserID: 3, CorporationID: 200, Role: principal.RoleAdmin},
	}
	h := httpapi.New(svc, httpserver.NewGuard(tokens))
	return &env{engine: httptestkit.Engine(t, h), svc: svc, repo: repo}
}

func (e *env) do(t *testing.T, method, path, body, token string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	e.engine.ServeHTTP(rec, req)
	if body != "" {
		httptestkit.CheckJSONAnswer(t, method+" "+path, []byte(body), rec)
	}
	return rec
}

func expect(t *testing.T, rec *httptest.ResponseRecorder, status int, out any) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d: %s", rec.Code, status, rec.Body)
	}
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			t.Fatalf("%v in %s", err, rec.Body)
		}
	}
}

func TestEndpointRoutes(t *testing.T) {
	e := newEnv(t)
	var created map[string]any
	expect(t, e.do(t, "POST", "/v1/webhooks", `{"url":"https://hooks.acme.example/","events":["view.first"],"description":"LMS"}`, "admin"), 201, &created)
	id := int64(created["id"].(float64))
	if s, _ := created["secret"].(string); !strings.HasPrefix(s, "whsec_") || created["enabled"] != true || created["disabled_reason"] != nil {
		t.Fatalf("created %v", created)
	}
	path := "/v1/webhooks/" + strconv.FormatInt(id, 10)
	var got map[string]any
	expect(t, e.do(t, "GET", path, "", "admin"), 200, &got)
	if _, ok := got["secret"]; ok || got["url"] != "https://hooks.acme.example/" {
		t.Fatalf("read %v: the secret is shown once only", got)
	}
	var list []map[string]any
	expect(t, e.do(t, "GET", "/v1/webhooks?limit=1", "", "admin"), 200, &list)
	if len(list) != 1 {
		t.Fatalf("list %v", list)
	}
	expect(t, e.do(t, "PUT", path, `{"enabled":false}`, "admin"), 200, &got)
	if got["enabled"] != false {
		t.Fatalf("updated %v", got)
	}
	for _, c := range []struct {
		method, path, body, token string
		status                    int
	}{
		{"GET", path, "", "", 401},
		{"GET", path, "", "guest", 403},
		{"GET", path, "", "outsider", 404},
		{"PUT", path, `{"enabled":true}`, "outsider", 404},
		{"DELETE", path, "", "outsider", 404},
		{"POST", path + "/test", "", "outsider", 404},
		{"GET", path + "/deliveries", "", "outsider", 404},
		{"POST", path + "/deliveries/1/retry", "", "outsider", 404},
		{"GET", "/v1/webhooks/abc", "", "admin", 400},
		{"POST", path + "/deliveries/0/retry", "", "admin", 400},
		{"POST", "/v1/webhooks", `{"url":"http://127.0.0.1/","events":["view.first"]}`, "admin", 422},
		{"POST", "/v1/webhooks", `{"url":"https://u:p@hooks.acme.example/","events":["view.first"]}`, "admin", 422},
		{"POST", "/v1/webhooks", `{"url":"https://hooks.acme.example/","events":["nope"]}`, "admin", 422},
		{"POST", "/v1/webhooks", `{"url":"https://hooks.acme.example/"}`, "admin", 422},
		{"POST", "/v1/webhooks", `{"url":"https://hooks.acme.example/","events":["view.first"],"secret":"mine"}`, "admin", 422},
		{"POST", "/v1/webhooks", `{"url":`, "admin", 400},
		{"PUT", path, `{}`, "admin", 422},
		{"GET", "/v1/webhooks?limit=0", "", "admin", 400},
		{"GET", path + "/deliveries?cursor=nope", "", "admin", 400},
	} {
		rec := e.do(t, c.method, c.path, c.body, c.token)
		if rec.Code != c.status || !strings.HasPrefix(rec.Header().Get("Content-Type"), httpserver.ProblemContentType) {
			t.Errorf("%s %s %s as %q: %d %s, want %d problem+json", c.method, c.path, c.body, c.token, rec.Code, rec.Body, c.status)
		}
	}
	var d map[string]any
	expect(t, e.do(t, "POST", path+"/test", "", "admin"), 202, &d)
	if d["type"] != domain.TestEvent || d["status"] != "pending" || d["attempt"] != 0.0 || d["http_status"] != nil {
		t.Fatalf("test delivery %v", d)
	}
	deliveryID := int64(d["id"].(float64))
	expect(t, e.do(t, "POST", path+"/deliveries/"+strconv.FormatInt(deliveryID, 10)+"/retry", "", "admin"), 409, nil)
	if _, err := e.svc.Deliver(context.Background(), deliveryID, service.Try{}); err != nil {
		t.Fatal(err)
	}
	var ds []map[string]any
	expect(t, e.do(t, "GET", path+"/deliveries", "", "admin"), 200, &ds)
	if len(ds) != 1 || ds[0]["status"] != "succeeded" || ds[0]["http_status"] != 204.0 || ds[0]["attempt"] != 1.0 ||
		len(ds[0]["attempts"].([]any)) != 1 || ds[0]["next_attempt_at"] != nil || ds[0]["delivered_at"] == nil {
		t.Fatalf("deliveries %v", ds)
	}
	expect(t, e.do(t, "POST", path+"/deliveries/"+strconv.FormatInt(deliveryID, 10)+"/retry", "", "admin"), 202, &d)
	if d["status"] != "pending" || d["next_attempt_at"] == nil {
		t.Fatalf("retried %v", d)
	}
	expect(t, e.do(t, "DELETE", path, "", "admin"), 204, nil)
	expect(t, e.do(t, "GET", path, "", "admin"), 404, nil)
}

func TestEventTypes(t *testing.T) {
	e := newEnv(t)
	var got map[string]json.RawMessage
	expect(t, e.do(t, "GET", "/v1/webhooks/event-types", "", "guest"), 200, &got)
	var types []string
	if err := json.Unmarshal(got["types"], &types); err != nil || strings.Join(types, ",") != strings.Join(domain.EventTypes, ",") {
		t.Fatalf("types %s", got["types"])
	}
	for _, typ := range append(append([]string{}, domain.EventTypes...), domain.TestEvent) {
		key := strings.NewReplacer(".", "_").Replace(typ)
		var body struct {
			Type string         `json:"type"`
			Data map[string]any `json:"data"`
		}
		if err := json.Unmarshal(got[key], &body); err != nil || body.Type != typ || len(body.Data) == 0 {
			t.Errorf("%s: %s", key, got[key])
		}
	}
	expect(t, e.do(t, "GET", "/v1/webhooks/event-types", "", ""), 401, nil)
}

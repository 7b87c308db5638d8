package httpapi_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"vms/modules/corporation/adapters/httpapi"
	"vms/modules/corporation/domain"
	"vms/modules/corporation/fake"
	"vms/modules/corporation/service"
	"vms/platform/clock"
	"vms/platform/database/uowtest"
	"vms/platform/events/eventstest"
	"vms/platform/httpserver"
	"vms/platform/httpserver/httptestkit"
	"vms/platform/kind"
	"vms/platform/principal"
)

var now = time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)

type env struct {
	h      http.Handler
	repo   *fake.Repository
	admins *fake.AdminAccounts
	pub    *eventstest.Recorder
	tokens httptestkit.Tokens
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{repo: fake.NewRepository(), admins: &fake.AdminAccounts{}, pub: &eventstest.Recorder{}, tokens: httptestkit.Tokens{}}
	svc := service.New(e.repo, &uowtest.UnitOfWork{Stores: []uowtest.Snapshotter{e.repo}}, e.admins, e.pub, clock.NewFake(now))
	e.h = httptestkit.Engine(t, httpapi.New(svc, httpserver.NewGuard(e.tokens)))
	return e
}

type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (e *env) do(t *testing.T, method, path, body, token string) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return response{rec.Code, rec.Header(), rec.Body.Bytes()}
}

func (r response) expect(t *testing.T, status int) response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	return r
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

func (r response) fieldErrors(t *testing.T) map[string]string {
	t.Helper()
	var p httpserver.Problem
	r.decode(t, &p)
	if r.Header.Get("Content-Type") != httpserver.ProblemContentType {
		t.Fatalf("content type %q", r.Header.Get("Content-Type"))
	}
	out := map[string]string{}
	for _, f := range p.Errors {
		out[f.Field] = f.Message
	}
	return out
}

const signUpBody = `{"name":"Acme","plan_type":"PAID","plan_expired_at":"2030-06-01","admin_email":"boss@acme.io","admin_password":"password1"}`

func (e *env) signUp(t *testing.T, body string) httpapi.CorporationResponse {
	t.Helper()
	var c httpapi.CorporationResponse
	e.do(t, "POST", "/v1/corporations", body, "").expect(t, http.StatusCreated).decode(t, &c)
	return c
}

func TestSignUp(t *testing.T) {
	e := newEnv(t)
	res := e.do(t, "POST", "/v1/corporations", signUpBody, "").expect(t, http.StatusCreated)
	var raw map[string]any
	res.decode(t, &raw)
	for _, k := range []string{"id", "name", "plan_type", "plan_expired_at", "effective_plan", "created_at", "updated_at"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("response lacks %s: %s", k, res.Body)
		}
	}
	if raw["plan_expired_at"] != "2030-06-01T00:00:00Z" || raw["effective_plan"] != "PAID" || raw["created_at"] != "2030-01-01T12:00:00Z" {
		t.Fatalf("body %s", res.Body)
	}
	if len(e.admins.Calls) != 1 || e.admins.Calls[0].Email != "boss@acme.io" {
		t.Fatalf("admin calls %+v", e.admins.Calls)
	}
	e.do(t, "POST", "/v1/corporations", strings.Replace(signUpBody, "Acme", "ACME", 1), "").expect(t, http.StatusConflict)
}

func TestSignUpEmailTakenRollsBack(t *testing.T) {
	e := newEnv(t)
	e.admins.Err = kind.New(kind.Conflict, "e-mail taken")
	e.do(t, "POST", "/v1/corporations", signUpBody, "").expect(t, http.StatusConflict)
	if e.repo.Count() != 0 {
		t.Fatal("corporation created")
	}
}

func TestSignUpBadInput(t *testing.T) {
	cases := []struct {
		name, body string
		status     int
		field      string
	}{
		{"malformed", `{"name":`, 400, ""},
		{"not an object", `[1]`, 400, ""},
		{"empty", ``, 400, ""},
		{"wrong type", `{"name":5,"plan_type":"FREE","admin_email":"a@b.io","admin_password":"password1"}`, 422, "name"},
		{"unknown field", `{"name":"A","plan_type":"FREE","admin_email":"a@b.io","admin_password":"password1","id":3}`, 422, "id"},
		{"missing password", `{"name":"A","plan_type":"FREE","admin_email":"a@b.io"}`, 422, "admin_password"},
		{"unknown plan", `{"name":"A","plan_type":"GOLD","admin_email":"a@b.io","admin_password":"password1"}`, 422, "plan_type"},
		{"paid without expiry", `{"name":"A","plan_type":"PAID","admin_email":"a@b.io","admin_password":"password1"}`, 422, "plan_expired_at"},
		{"bad date", `{"name":"A","plan_type":"PAID","plan_expired_at":"31.12.2030","admin_email":"a@b.io","admin_password":"password1"}`, 422, "plan_expired_at"},
		{"long name", `{"name":"` + strings.Repeat("n", 101) + `","plan_type":"FREE","admin_email":"a@b.io","admin_password":"password1"}`, 422, "name"},
		{"too large", `{"name":"` + strings.Repeat("n", httpserver.MaxJSONBody) + `"}`, 413, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			res := e.do(t, "POST", "/v1/corporations", c.body, "").expect(t, c.status)
			if c.field != "" {
				if f := res.fieldErrors(t); f[c.field] == "" {
					t.Fatalf("no error for %s: %s", c.field, res.Body)
				}
			}
			if e.repo.Count() != 0 || len(e.admins.Calls) != 0 {
				t.Fatal("something was created")
			}
		})
	}
}

func TestReadsShowOnlyTheCallersCorporation(t *testing.T) {
	e := newEnv(t)
	var ids []int64
	for _, n := range []string{"Alpha", "Beta", "Gamma"} {
		ids = append(ids, e.signUp(t, `{"name":"`+n+`","plan_type":"FREE","admin_email":"a@b.io","admin_password":"password1"}`).ID)
	}
	e.tokens["beta"] = principal.Principal{UserID: 2, CorporationID: ids[1], Role: principal.RoleGuest}
	var got httpapi.CorporationResponse
	e.do(t, "GET", "/v1/corporations/id/"+itoa(ids[1]), "", "beta").expect(t, 200).decode(t, &got)
	if got.Name != "Beta" || got.EffectivePlan != "FREE" {
		t.Fatalf("got %+v", got)
	}
	e.do(t, "GET", "/v1/corporations/bETA", "", "beta").expect(t, 200).decode(t, &got)
	if got.ID != ids[1] {
		t.Fatalf("by name %+v", got)
	}
	for _, path := range []string{"/v1/corporations", "/v1/corporations/id/" + itoa(ids[1]), "/v1/corporations/beta"} {
		e.do(t, "GET", path, "", "").expect(t, 401)
	}
	e.do(t, "GET", "/v1/corporations/gamma", "", "beta").expect(t, 404)
	e.do(t, "GET", "/v1/corporations/id/"+itoa(ids[2]), "", "beta").expect(t, 404)
	e.do(t, "GET", "/v1/corporations/nobody", "", "beta").expect(t, 404)
	e.do(t, "GET", "/v1/corporations/id/999", "", "beta").expect(t, 404)
	for _, bad := range []string{"0", "-1", "x", "1.5"} {
		e.do(t, "GET", "/v1/corporations/id/"+bad, "", "beta").expect(t, 400)
	}

	res := e.do(t, "GET", "/v1/corporations", "", "beta").expect(t, 200)
	if cc := res.Header.Get("Cache-Control"); cc != "private, no-store" {
		t.Fatalf("Cache-Control %q", cc)
	}
	var page []httpapi.CorporationResponse
	res.decode(t, &page)
	if len(page) != 1 || page[0].ID != ids[1] || res.Header.Get("Link") != "" {
		t.Fatalf("list %+v link %q", page, res.Header.Get("Link"))
	}
	res = e.do(t, "GET", "/v1/corporations?limit=1", "", "beta").expect(t, 200)
	link := res.Header.Get("Link")
	next := link[strings.Index(link, "<")+1 : strings.Index(link, ">")]
	e.do(t, "GET", next, "", "beta").expect(t, 200).decode(t, &page)
	if len(page) != 0 {
		t.Fatalf("second page %+v", page)
	}
	e.do(t, "GET", "/v1/corporations?limit=0", "", "beta").expect(t, 400)
	e.do(t, "GET", "/v1/corporations?cursor=@@", "", "beta").expect(t, 400)
}

func TestUpdateAndDelete(t *testing.T) {
	e := newEnv(t)
	c := e.signUp(t, signUpBody)
	other := e.signUp(t, `{"name":"Other","plan_type":"FREE","admin_email":"o@b.io","admin_password":"password1"}`)
	e.tokens["admin"] = principal.Principal{UserID: 1, CorporationID: c.ID, Role: principal.RoleAdmin}
	e.tokens["guest"] = principal.Principal{UserID: 2, CorporationID: c.ID, Role: principal.RoleGuest}
	e.tokens["outsider"] = principal.Principal{UserID: 3, CorporationID: other.ID, Role: principal.RoleAdmin}
	path := "/v1/corporations/" + itoa(c.ID)
	body := `{"name":"Acme 2","plan_type":"FREE"}`

	e.do(t, "PUT", path, body, "").expect(t, 401)
	e.do(t, "PUT", path, body, "guest").expect(t, 403)
	e.do(t, "PUT", path, body, "outsider").expect(t, 403)
	e.do(t, "PUT", "/v1/corporations/999", body, "admin").expect(t, 404)
	e.do(t, "PUT", "/v1/corporations/0", body, "admin").expect(t, 400)
	e.do(t, "PUT", path, `{"name":"Other","plan_type":"FREE"}`, "admin").expect(t, 409)
	e.do(t, "PUT", path, `{"name":"Acme 2"}`, "admin").expect(t, 422)
	e.do(t, "PUT", path, `{"name":"Acme 2","plan_type":"FREE","effective_plan":"PAID"}`, "admin").expect(t, 422)
	e.do(t, "PUT", path, `{"name":"Acme 2","plan_type":"PAID","plan_expired_at":null}`, "admin").expect(t, 422)
	if got, _ := e.repo.Get(t.Context(), c.ID); got.Name != "Acme" || got.PlanType != domain.PlanPaid {
		t.Fatalf("changed by a refused request: %+v", got)
	}
	var got httpapi.CorporationResponse
	e.do(t, "PUT", path, body, "admin").expect(t, 200).decode(t, &got)
	if got.Name != "Acme 2" || got.PlanType != "FREE" || got.EffectivePlan != "FREE" {
		t.Fatalf("updated %+v", got)
	}

	e.do(t, "DELETE", path, "", "guest").expect(t, 403)
	e.do(t, "DELETE", path, "", "outsider").expect(t, 403)
	e.do(t, "DELETE", path, "", "admin").expect(t, 204)
	e.do(t, "DELETE", path, "", "admin").expect(t, 404)
	e.do(t, "GET", "/v1/corporations/id/"+itoa(c.ID), "", "outsider").expect(t, 404)
	// The plan change (PAID → FREE) and the deletion; refused requests publish nothing.
	if evs := e.pub.Published(); len(evs) != 2 || evs[0].EventName() != "corporation.plan_changed" || evs[1].EventName() != "corporation.deleted" {
		t.Fatalf("events %v", evs)
	}
}

func TestServerErrorsHideDetails(t *testing.T) {
	e := newEnv(t)
	e.repo.FailErr = errors.New("secret driver detail")
	e.tokens["member"] = principal.Principal{UserID: 1, CorporationID: 1, Role: principal.RoleGuest}
	res := e.do(t, "GET", "/v1/corporations/id/1", "", "member").expect(t, 500)
	if bytes.Contains(res.Body, []byte("secret")) {
		t.Fatalf("leaked: %s", res.Body)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

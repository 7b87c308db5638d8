package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"vms/modules/user/adapters/httpapi"
	"vms/modules/user/fake"
	"vms/modules/user/service"
	"vms/platform/clock"
	"vms/platform/database/uowtest"
	"vms/platform/events/eventstest"
	"vms/platform/httpserver"
	"vms/platform/httpserver/httptestkit"
	"vms/platform/principal"
)

var now = time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)

type env struct {
	h    http.Handler
	svc  *service.Service
	repo *fake.Repository
	pub  *eventstest.Recorder
}

// newEnv seeds corporation 1 with an admin (token "admin", user 1) and a guest
// ("guest", user 2), and corporation 2 with an admin ("outsider", user 3).
func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{repo: fake.NewRepository(), pub: &eventstest.Recorder{}}
	e.svc = service.New(e.repo, &uowtest.UnitOfWork{Stores: []uowtest.Snapshotter{e.repo}}, &fake.Hasher{}, e.pub, clock.NewFake(now))
	tk := httptestkit.Tokens{
		"admin":    {UserID: 1, CorporationID: 1, Role: principal.RoleAdmin},
		"guest":    {UserID: 2, CorporationID: 1, Role: principal.RoleGuest},
		"outsider": {UserID: 3, CorporationID: 2, Role: principal.RoleAdmin},
	}
	ctx := context.Background()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	createAdmin := func(corporationID int64, email, password string) {
		admin, err := e.svc.PrepareAdmin(ctx, email, password)
		must(err)
		must(e.svc.CreateAdmin(ctx, corporationID, admin))
	}
	createAdmin(1, "admin@a.io", "password1")
	_, err := e.svc.Create(ctx, tk["admin"], service.NewUserInput{Email: "guest@a.io", Password: "password2", Role: "guest"})
	must(err)
	createAdmin(2, "admin@b.io", "password3")
	e.h = httptestkit.Engine(t, httpapi.New(e.svc, httpserver.NewGuard(tk)))
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

func (r response) fields(t *testing.T) map[string]string {
	t.Helper()
	var p httpserver.Problem
	r.decode(t, &p)
	out := map[string]string{}
	for _, f := range p.Errors {
		out[f.Field] = f.Message
	}
	return out
}

// snapshot is every user's visible state, to prove a refused request changed nothing.
func (e *env) snapshot() string {
	var b strings.Builder
	for id := int64(1); id <= int64(e.repo.Count()); id++ {
		u, deleted, _ := e.repo.Row(id)
		b.WriteString(u.Email + u.PasswordHash + string(u.Role) + strconv.FormatBool(deleted) + ";")
	}
	return b.String()
}

func TestCreate(t *testing.T) {
	e := newEnv(t)
	res := e.do(t, "POST", "/v1/users", `{"email":"New@A.io","password":"password9","role":"guest"}`, "admin").expect(t, 201)
	var raw map[string]any
	res.decode(t, &raw)
	if raw["email"] != "new@a.io" || raw["corporation_id"] != float64(1) || raw["role"] != "guest" || raw["point"] != float64(0) || raw["created_at"] != "2030-01-01T12:00:00Z" {
		t.Fatalf("body %s", res.Body)
	}
	for _, secret := range []string{"password", "password_hash", "PasswordHash"} {
		if _, ok := raw[secret]; ok {
			t.Fatalf("response has %s: %s", secret, res.Body)
		}
	}
	if strings.Contains(string(res.Body), "password9") {
		t.Fatalf("password leaked: %s", res.Body)
	}
	e.do(t, "POST", "/v1/users", `{"email":"x@a.io","password":"password9","role":"guest"}`, "guest").expect(t, 403)
	e.do(t, "POST", "/v1/users", `{"email":"x@a.io","password":"password9","role":"guest"}`, "").expect(t, 401)
	e.do(t, "POST", "/v1/users", `{"email":"GUEST@a.io","password":"password9","role":"guest"}`, "admin").expect(t, 409)
}

func TestCreateBadInput(t *testing.T) {
	cases := []struct {
		name, body string
		status     int
		field      string
	}{
		{"malformed", `{"email":"a@b.io",`, 400, ""},
		{"two objects", `{"email":"a@b.io"}{}`, 400, ""},
		{"wrong type", `{"email":"a@b.io","password":12345678,"role":"guest"}`, 422, "password"},
		{"unknown field point", `{"email":"a@b.io","password":"password9","role":"guest","point":1000}`, 422, "point"},
		{"unknown field corporation_id", `{"email":"a@b.io","password":"password9","role":"guest","corporation_id":2}`, 422, "corporation_id"},
		{"missing role", `{"email":"a@b.io","password":"password9"}`, 422, "role"},
		{"invalid e-mail", `{"email":"a@b","password":"password9","role":"guest"}`, 422, "email"},
		{"short password", `{"email":"a@b.io","password":"short","role":"guest"}`, 422, "password"},
		{"long password", `{"email":"a@b.io","password":"` + strings.Repeat("p", 73) + `","role":"guest"}`, 422, "password"},
		{"unknown role", `{"email":"a@b.io","password":"password9","role":"root"}`, 422, "role"},
		{"too large", `{"email":"` + strings.Repeat("a", httpserver.MaxJSONBody) + `"}`, 413, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			before := e.snapshot()
			res := e.do(t, "POST", "/v1/users", c.body, "admin").expect(t, c.status)
			if res.Header.Get("Content-Type") != httpserver.ProblemContentType {
				t.Fatalf("content type %q", res.Header.Get("Content-Type"))
			}
			if c.field != "" && res.fields(t)[c.field] == "" {
				t.Fatalf("no error for %s: %s", c.field, res.Body)
			}
			if e.snapshot() != before {
				t.Fatal("a refused request changed users")
			}
		})
	}
}

func TestReads(t *testing.T) {
	e := newEnv(t)
	var u httpapi.UserResponse
	e.do(t, "GET", "/v1/users/id/2", "", "admin").expect(t, 200).decode(t, &u)
	if u.Email != "guest@a.io" {
		t.Fatalf("%+v", u)
	}
	e.do(t, "GET", "/v1/users/id/2", "", "guest").expect(t, 200)
	e.do(t, "GET", "/v1/users/id/1", "", "guest").expect(t, 404)
	e.do(t, "GET", "/v1/users/id/2", "", "outsider").expect(t, 404)
	e.do(t, "GET", "/v1/users/id/2", "", "").expect(t, 401)
	for _, bad := range []string{"0", "-3", "abc", "99999999999999999999"} {
		e.do(t, "GET", "/v1/users/id/"+bad, "", "admin").expect(t, 400)
	}
	e.do(t, "GET", "/v1/users/GUEST@a.io", "", "admin").expect(t, 200).decode(t, &u)
	if u.ID != 2 {
		t.Fatalf("%+v", u)
	}
	e.do(t, "GET", "/v1/users/guest@a.io", "", "outsider").expect(t, 404)
	e.do(t, "GET", "/v1/users/admin@a.io", "", "guest").expect(t, 404)
	e.do(t, "GET", "/v1/auth/me", "", "guest").expect(t, 200).decode(t, &u)
	if u.ID != 2 || u.Role != "guest" {
		t.Fatalf("me %+v", u)
	}
	e.do(t, "GET", "/v1/auth/me", "", "").expect(t, 401)
}

func TestList(t *testing.T) {
	e := newEnv(t)
	for i := range 3 {
		e.do(t, "POST", "/v1/users", `{"email":"u`+strconv.Itoa(i)+`@a.io","password":"password9","role":"guest"}`, "admin").expect(t, 201)
	}
	seen := map[int64]bool{}
	path := "/v1/users?limit=2"
	for pages := 0; path != ""; pages++ {
		if pages > 3 {
			t.Fatal("too many pages")
		}
		res := e.do(t, "GET", path, "", "admin").expect(t, 200)
		var us []httpapi.UserResponse
		res.decode(t, &us)
		for _, u := range us {
			if u.CorporationID != 1 || seen[u.ID] {
				t.Fatalf("unexpected %+v", u)
			}
			seen[u.ID] = true
		}
		path = ""
		if link := res.Header.Get("Link"); link != "" {
			path = link[strings.Index(link, "<")+1 : strings.Index(link, ">")]
		}
	}
	if len(seen) != 5 {
		t.Fatalf("saw %d users, want 5", len(seen))
	}
	e.do(t, "GET", "/v1/users", "", "guest").expect(t, 403)
	e.do(t, "GET", "/v1/users?limit=101", "", "admin").expect(t, 400)
}

func TestUpdate(t *testing.T) {
	e := newEnv(t)
	before := e.snapshot()
	e.do(t, "PUT", "/v1/users/2", `{"role":"admin"}`, "guest").expect(t, 403)
	e.do(t, "PUT", "/v1/users/1", `{"role":"guest"}`, "admin").expect(t, 403)
	e.do(t, "PUT", "/v1/users/1", `{"password":"password8"}`, "guest").expect(t, 404)
	e.do(t, "PUT", "/v1/users/2", `{"password":"password8"}`, "outsider").expect(t, 404)
	e.do(t, "PUT", "/v1/users/2", `{"password":"short"}`, "guest").expect(t, 422)
	e.do(t, "PUT", "/v1/users/2", `{"point":100}`, "admin").expect(t, 422)
	e.do(t, "PUT", "/v1/users/2", `{}`, "admin").expect(t, 422)
	e.do(t, "PUT", "/v1/users/2", `{"role":5}`, "admin").expect(t, 422)
	e.do(t, "PUT", "/v1/users/0", `{"password":"password8"}`, "admin").expect(t, 400)
	e.do(t, "PUT", "/v1/users/2", `nope`, "admin").expect(t, 400)
	if f := e.do(t, "PUT", "/v1/users/2", `{"password":"password8"}`, "guest").expect(t, 422).fields(t); f["current_password"] == "" {
		t.Fatalf("missing current_password not named: %v", f)
	}
	e.do(t, "PUT", "/v1/users/2", `{"password":"password8","current_password":"not-my-password"}`, "guest").expect(t, 403)
	e.do(t, "PUT", "/v1/users/1", `{"password":"password8"}`, "admin").expect(t, 422)
	if e.snapshot() != before {
		t.Fatal("a refused update changed users")
	}
	var u httpapi.UserResponse
	e.do(t, "PUT", "/v1/users/2", `{"password":"password8","current_password":"password2"}`, "guest").expect(t, 200).decode(t, &u)
	if g, _, _ := e.repo.Row(2); g.PasswordHash != "fake:password8" {
		t.Fatal("password not changed")
	}
	// An admin resets another user's password without knowing it.
	e.do(t, "PUT", "/v1/users/2", `{"password":"password9"}`, "admin").expect(t, 200)
	if g, _, _ := e.repo.Row(2); g.PasswordHash != "fake:password9" {
		t.Fatal("password not reset")
	}
	e.do(t, "PUT", "/v1/users/2", `{"role":"admin"}`, "admin").expect(t, 200).decode(t, &u)
	if u.Role != "admin" {
		t.Fatalf("%+v", u)
	}
}

func TestDelete(t *testing.T) {
	e := newEnv(t)
	e.pub.Events = nil // the seeded users' UserCreated
	e.do(t, "DELETE", "/v1/users/2", "", "outsider").expect(t, 404)
	e.do(t, "DELETE", "/v1/users/1", "", "guest").expect(t, 404)
	e.do(t, "DELETE", "/v1/users/abc", "", "admin").expect(t, 400)
	if len(e.pub.Published()) != 0 {
		t.Fatal("refused delete published")
	}
	e.do(t, "DELETE", "/v1/users/2", "", "guest").expect(t, 204)
	e.do(t, "GET", "/v1/users/id/2", "", "admin").expect(t, 404)
	e.do(t, "DELETE", "/v1/users/2", "", "admin").expect(t, 404)
	if len(e.pub.Published()) != 1 {
		t.Fatalf("events %v", e.pub.Published())
	}
}

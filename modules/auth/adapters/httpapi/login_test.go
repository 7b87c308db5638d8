package httpapi_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"testing"

	"vms/modules/auth/service"
)

func TestLogin(t *testing.T) {
	e := newEnv(t)
	r := e.do(t, "POST", "/v1/auth/login", `{"email":"admin@acme.example","password":"`+password+`"}`, "").expect(t, 200)
	var raw map[string]any
	if err := json.Unmarshal([]byte(r.body), &raw); err != nil {
		t.Fatal(err)
	}
	if raw["token_type"] != "bearer" || raw["expires_in"] != float64(900) || raw["access_token"] == "" || raw["refresh_token"] == "" || len(raw) != 4 {
		t.Fatalf("body %s", r.body)
	}
	if r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("Cache-Control %q", r.header.Get("Cache-Control"))
	}
}

func TestLoginFailuresLookAlike(t *testing.T) {
	e := newEnv(t)
	a := e.do(t, "POST", "/v1/auth/login", `{"email":"nobody@acme.example","password":"whatever1"}`, "").expect(t, 401)
	b := e.do(t, "POST", "/v1/auth/login", `{"email":"admin@acme.example","password":"whatever1"}`, "").expect(t, 401)
	pa, pb := a.problem(t), b.problem(t)
	if pa.Detail != pb.Detail || pa.Title != pb.Title || pa.Type != pb.Type {
		t.Fatalf("bodies differ: %+v / %+v", pa, pb)
	}
	if a.header.Get("WWW-Authenticate") == "" {
		t.Fatal("401 without WWW-Authenticate")
	}
}

func TestLoginBadInput(t *testing.T) {
	cases := []struct {
		name, body, ctype string
		status            int
		field             string
	}{
		{"malformed", `{"email":`, "", 400, ""},
		{"not an object", `["admin@acme.example"]`, "", 400, ""},
		{"two objects", `{"email":"a@b.c","password":"x"}{}`, "", 400, ""},
		{"wrong type", `{"email":5,"password":"x"}`, "", 422, "email"},
		{"unknown field", `{"email":"admin@acme.example","password":"x","role":"admin"}`, "", 422, "role"},
		{"missing fields", `{}`, "", 422, "email"},
		{"missing password", `{"email":"admin@acme.example"}`, "", 422, "password"},
		{"invalid email", `{"email":"not-an-email","password":"x"}`, "", 422, "email"},
		{"not json", `email=a`, "text/plain", 415, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			var headers []string
			if tc.ctype != "" {
				headers = append(headers, "Content-Type: "+tc.ctype)
			}
			p := e.do(t, "POST", "/v1/auth/login", tc.body, "", headers...).expect(t, tc.status).problem(t)
			if tc.field != "" {
				found := false
				for _, f := range p.Errors {
					found = found || f.Field == tc.field
				}
				if !found {
					t.Fatalf("errors %+v do not name %s", p.Errors, tc.field)
				}
			}
			if len(e.store.All()) != 0 || e.accounts.VerifyCalls() != 0 {
				t.Fatal("bad input changed something or reached the password check")
			}
		})
	}
}

func TestLoginRateLimited(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < service.MaxFailuresPerEmail; i++ {
		e.do(t, "POST", "/v1/auth/login", `{"email":"admin@acme.example","password":"wrong-one"}`, "").expect(t, 401)
	}
	r := e.do(t, "POST", "/v1/auth/login", `{"email":"admin@acme.example","password":"`+password+`"}`, "").expect(t, 429)
	secs, err := strconv.Atoi(r.header.Get("Retry-After"))
	if err != nil || secs != int(service.LoginWindow.Seconds()) {
		t.Fatalf("Retry-After %q", r.header.Get("Retry-After"))
	}
	if p := r.problem(t); p.Status != 429 {
		t.Fatalf("problem %+v", p)
	}
}

// TestLoginIPLimitHonoursTrustedProxies checks that X-Forwarded-For is believed only from a
// trusted proxy: behind one, clients are told apart; otherwise the header is ignored.
func TestLoginIPLimitHonoursTrustedProxies(t *testing.T) {
	fail := func(e *env, i int, xff string) reply {
		body := fmt.Sprintf(`{"email":"user%d@acme.example","password":"wrong-one"}`, i)
		return e.do(t, "POST", "/v1/auth/login", body, "", "X-Forwarded-For: "+xff)
	}
	untrusted := newEnv(t)
	for i := 0; i < service.MaxFailuresPerIP; i++ {
		fail(untrusted, i, fmt.Sprintf("198.51.100.%d", i)).expect(t, 401)
	}
	fail(untrusted, 99, "198.51.100.200").expect(t, 429)

	trusted := newEnv(t, "192.0.2.0/24")
	for i := 0; i < service.MaxFailuresPerIP; i++ {
		fail(trusted, i, "198.51.100.1").expect(t, 401)
	}
	fail(trusted, 99, "198.51.100.1").expect(t, 429)
	fail(trusted, 98, "198.51.100.2").expect(t, 401)
}

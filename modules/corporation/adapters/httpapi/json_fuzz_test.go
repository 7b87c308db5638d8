package httpapi_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"vms/platform/httpserver/httptestkit"
	"vms/platform/principal"
)

// FuzzJSONBodies posts arbitrary bytes as the JSON body of every corporation route that
// reads one (sign-up, and an admin's update of their own corporation), through the real
// engine with fakes behind it: never a 5xx (gin's recovery would be one), every error is
// a problem, and a 2xx only ever answers a valid JSON body.
func FuzzJSONBodies(f *testing.F) {
	for _, route := range []uint8{0, 1} {
		for _, body := range []string{
			signUpBody,
			`{"name":"Other","plan_type":"FREE","admin_email":"o@b.io","admin_password":"password1"}`,
			`{"name":"Acme 2","plan_type":"FREE"}`,
			`{"name":"Acme 2","plan_type":"PAID","plan_expired_at":"2031-01-01T00:00:00Z"}`,
			`{"name":"Acme 2","plan_type":"FREE","id":7}`,
			`{"name":5,"plan_type":true,"plan_expired_at":[]}`,
			`{"name":"A","plan_type":"PAID","plan_expired_at":"99999-12-31"}`,
			`{"name":1e400,"plan_type":-99999999999999999999999}`,
			`{"name":{"x":[[[[[{"y":null}]]]]]}}`,
			`{"name":"Acme 2","plan_type":"FREE"}{}`,
			`{"name":"Acme 2","plan_type":"FREE"} trailing`,
			`null`, `[]`, `0`, ``, "\xff", `{"name":"\u0000\ud800"}`,
		} {
			f.Add(route, []byte(body))
		}
	}
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		e := newEnv(t)
		c := e.signUp(t, `{"name":"Acme","plan_type":"FREE","admin_email":"boss@acme.io","admin_password":"password1"}`)
		e.tokens["admin"] = principal.Principal{UserID: 1, CorporationID: c.ID, Role: principal.RoleAdmin}
		method, path, token := "POST", "/v1/corporations", ""
		if route%2 == 1 {
			method, path, token = "PUT", "/v1/corporations/"+itoa(c.ID), "admin"
		}
		req := httptest.NewRequest(method, path, strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		httptestkit.CheckJSONAnswer(t, method+" "+path, body, rec)
	})
}

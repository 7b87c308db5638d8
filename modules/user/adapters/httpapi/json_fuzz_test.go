package httpapi_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"vms/platform/httpserver/httptestkit"
)

// jsonRoutes are the user routes that read a JSON body, each with the caller it is sent as.
var jsonRoutes = []struct{ method, path, token string }{
	{"POST", "/v1/users", "admin"},
	{"PUT", "/v1/users/2", "admin"},
	{"PUT", "/v1/users/2", "guest"},
}

// FuzzJSONBodies posts arbitrary bytes as the JSON body of every user route that reads
// one, through the real engine with fakes behind it: never a 5xx (gin's recovery would
// be one), every error is a problem that changed no user, and a 2xx only ever answers a
// valid JSON body.
func FuzzJSONBodies(f *testing.F) {
	for i := range jsonRoutes {
		for _, body := range []string{
			`{"email":"new@a.io","password":"password9","role":"guest"}`,
			`{"email":"guest@a.io","password":"password9","role":"guest"}`,
			`{"password":"another-password"}`,
			`{"role":"admin"}`,
			`{"password":"another-password","role":"guest","point":100}`,
			`{"email":["x"],"password":7,"role":false}`,
			`{"password":"` + strings.Repeat("p", 300) + `"}`,
			`{"role":1e999}`,
			`{"role":{"a":{"b":{"c":[1,2,[3,[4]]]}}}}`,
			`{"role":"guest"}{"role":"admin"}`,
			`{"role":"guest"}]`,
			`{}`, `null`, `[{}]`, ``, "\xc0\x80", `{"email":"\udfff@a.io","password":"password9","role":"guest"}`,
		} {
			f.Add(uint8(i), []byte(body))
		}
	}
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		e := newEnv(t)
		r := jsonRoutes[int(route)%len(jsonRoutes)]
		before := e.snapshot()
		req := httptest.NewRequest(r.method, r.path, strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+r.token)
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		httptestkit.CheckJSONAnswer(t, r.method+" "+r.path, body, rec)
		if rec.Code >= 400 && e.snapshot() != before {
			t.Fatalf("%s %s %q: refused with %d but users changed", r.method, r.path, body, rec.Code)
		}
	})
}

package httpapi_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"vms/platform/httpserver/httptestkit"
)

// jsonRoutes are the auth routes that read a JSON body. "$REFRESH" in a body stands for
// a refresh token the iteration's admin was just issued, so valid bodies get through.
var jsonRoutes = []struct {
	path   string
	signed bool
}{
	{"/v1/auth/login", false},
	{"/v1/auth/refresh", false},
	{"/v1/auth/logout", true},
	{"/v1/api-keys", true},
}

// FuzzJSONBodies posts arbitrary bytes as the JSON body of every auth route, through the
// real engine with fakes behind it: never a 5xx (gin's recovery would be one), every
// error is a problem, and a 2xx only ever answers a valid JSON body.
func FuzzJSONBodies(f *testing.F) {
	for i := range jsonRoutes {
		for _, body := range []string{
			`{"email":"admin@acme.example","password":"` + password + `"}`,
			`{"email":"admin@acme.example","password":"` + password + `","cookie":true}`,
			`{"refresh_token":"$REFRESH"}`,
			`{"refresh_token":"$REFRESH","extra":1}`,
			`{"name":"ci","scopes":["videos:read"],"expires_at":"2099-01-01"}`,
			`{"name":"ci","scopes":[null,1,"videos:read","videos:read"]}`,
			`{"email":1e999,"password":["x"]}`,
			`{"refresh_token":123456789012345678901234567890}`,
			`{"refresh_token":{"a":[[[[{}]]]]}}`,
			`{"refresh_token":"$REFRESH"} {}`,
			`{"refresh_token":"$REFRESH"}garbage`,
			`null`, `[]`, `"x"`, ``, "\xff\xfe", `{"email":"\ud800"}`,
		} {
			f.Add(uint8(i), []byte(body))
		}
	}
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		e := newEnv(t)
		pair := e.login(t, "admin@acme.example")
		r := jsonRoutes[int(route)%len(jsonRoutes)]
		token := ""
		if r.signed {
			token = pair.AccessToken
		}
		sent := strings.ReplaceAll(string(body), "$REFRESH", pair.RefreshToken)
		req := httptest.NewRequest("POST", r.path, strings.NewReader(sent))
		req.RemoteAddr = "192.0.2.1:1234"
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		httptestkit.CheckJSONAnswer(t, "POST "+r.path, []byte(sent), rec)
	})
}

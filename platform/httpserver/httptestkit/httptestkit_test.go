package httptestkit_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"vms/platform/httpserver"
	"vms/platform/httpserver/httptestkit"
	"vms/platform/principal"
)

func TestTokensAndEngine(t *testing.T) {
	tk := httptestkit.Tokens{
		"guest": {UserID: 2, CorporationID: 1, Role: principal.RoleGuest},
		"play":  {UserID: 2, CorporationID: 1, Role: principal.RoleGuest, PlaybackVideoID: 7},
	}
	guard := httpserver.NewGuard(tk)
	e := httptestkit.Engine(t, httpserver.RegistrarFunc(func(r gin.IRouter) {
		ok := func(c *gin.Context) {
			p, _ := httpserver.Caller(c)
			c.JSON(http.StatusOK, p.UserID)
		}
		r.GET("/bearer", guard.Required(), ok)
		r.GET("/stream", guard.Stream(), ok)
	}))
	for _, c := range []struct {
		path, bearer string
		want         int
	}{
		{"/bearer", "", 401},
		{"/bearer", "guest", 200},
		{"/bearer", "nobody", 401},
		{"/bearer", "play", 401},
		{"/bearer?token=guest", "", 401},
		{"/stream?token=play", "", 200},
		{"/stream", "guest", 200},
		{"/stream?token=nobody", "", 401},
		{"/nowhere", "guest", 404},
	} {
		req := httptest.NewRequest(http.MethodGet, c.path, nil)
		if c.bearer != "" {
			req.Header.Set("Authorization", "Bearer "+c.bearer)
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		if rec.Code != c.want {
			t.Errorf("%s with %q: %d, want %d", c.path, c.bearer, rec.Code, c.want)
		}
		if c.want >= 400 && rec.Header().Get("Content-Type") != httpserver.ProblemContentType {
			t.Errorf("%s with %q: Content-Type %q, want problem+json", c.path, c.bearer, rec.Header().Get("Content-Type"))
		}
	}
}

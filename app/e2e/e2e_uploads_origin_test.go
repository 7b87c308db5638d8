package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"vms/app/apptest"
)

// TestUploadsFromTheServersOwnOrigin is the web console's upload: a browser sends Origin
// with its own origin's POST and PATCH, which is no cross-origin request and needs no
// CORS_ORIGINS entry; another origin is still refused.
func TestUploadsFromTheServersOwnOrigin(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "sample.mp4"))
	if err != nil {
		t.Fatal(err)
	}
	apptest.Each(t, map[string]string{"MEDIA_PROCESSING": "off"}, func(t *testing.T, a *apptest.App) {
		acctSignUp(t, a, "Origin Co", "admin@origin.example")
		token := acctLogin(t, a, "admin@origin.example", acctAdminPW).AccessToken
		own := "Origin: " + a.BaseURL
		create := func(origin string) *apptest.Response {
			return a.Do(http.MethodPost, "/v1/uploads", nil, token, "Tus-Resumable: 1.0.0",
				"Upload-Length: "+strconv.Itoa(len(data)), "Upload-Metadata: "+tusMeta("name", "from the console"), origin)
		}
		r := create(own).Expect(t, http.StatusCreated)
		if r.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Fatalf("a same-origin answer carries CORS headers: %v", r.Header)
		}
		loc := r.Header.Get("Location")
		id := loc[strings.LastIndex(loc, "/")+1:]
		half := len(data) / 2
		c := tusClient{t: t, a: a, token: token}
		c.patch(id, 0, data[:half], own).Expect(t, http.StatusNoContent)
		done := c.patch(id, half, data[half:], own).Expect(t, http.StatusNoContent)
		if done.Header.Get("Video-Id") == "" {
			t.Fatalf("final PATCH without Video-Id: %v", done.Header)
		}
		create("Origin: http://elsewhere.example").Expect(t, http.StatusForbidden)
		create("Origin: "+strings.Replace(a.BaseURL, "127.0.0.1", "localhost", 1)).Expect(t, http.StatusForbidden)
	})
}

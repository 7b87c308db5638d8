package httpserver

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"vms/platform/config"
)

type bindTarget struct {
	Name  string `json:"name"`
	Age   int    `json:"age"`
	Inner struct {
		On bool `json:"on"`
	} `json:"inner"`
}

func bindServer(t *testing.T) *testServer {
	return newTestServer(t, config.Config{},
		route("POST", "/bind", func(c *gin.Context) {
			var in bindTarget
			if err := BindJSON(c, &in); err != nil {
				Fail(c, err)
				return
			}
			c.JSON(http.StatusOK, in)
		}),
		route("GET", "/id/:id", func(c *gin.Context) {
			id, err := PathID(c, "id")
			if err != nil {
				Fail(c, err)
				return
			}
			c.JSON(http.StatusOK, id)
		}),
	)
}

func TestBindJSON(t *testing.T) {
	srv := bindServer(t)
	cases := []struct {
		name, body, ct string
		status         int
		field          string
	}{
		{"valid", `{"name":"a","age":3,"inner":{"on":true}}`, "application/json", 200, ""},
		{"charset and +json", `{"name":"a"}`, "application/merge-patch+json; charset=utf-8", 200, ""},
		{"no content type", `{"name":"a"}`, "", 200, ""},
		{"malformed", `{"name":`, "application/json", 400, ""},
		{"not json", `name=a`, "application/json", 400, ""},
		{"empty", ``, "application/json", 400, ""},
		{"array", `[1,2]`, "application/json", 400, ""},
		{"unknown field", `{"name":"a","admin":true}`, "application/json", 422, "admin"},
		{"wrong type", `{"age":"three"}`, "application/json", 422, "age"},
		{"wrong nested type", `{"inner":{"on":"yes"}}`, "application/json", 422, "inner.on"},
		{"trailing object", `{"name":"a"}{"name":"b"}`, "application/json", 400, ""},
		{"trailing garbage", `{"name":"a"} x`, "application/json", 400, ""},
		{"form content type", `{"name":"a"}`, "text/plain", 415, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var h []string
			if tc.ct != "" {
				h = append(h, "Content-Type: "+tc.ct)
			}
			r := srv.do(t, "POST", "/bind", strings.NewReader(tc.body), h...)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d; body %s", r.status, tc.status, r.body)
			}
			if tc.status == 200 {
				return
			}
			p := r.problem(t)
			if tc.field == "" {
				return
			}
			if len(p.Errors) != 1 || p.Errors[0].Field != tc.field || p.Errors[0].Message == "" {
				t.Fatalf("errors %+v, want one naming %q", p.Errors, tc.field)
			}
		})
	}
}

// chunked hides the length of a reader so the client sends Transfer-Encoding: chunked.
type chunked struct{ r io.Reader }

func (c chunked) Read(p []byte) (int, error) { return c.r.Read(p) }

func TestBodyLimit(t *testing.T) {
	srv := bindServer(t)
	big := `{"name":"` + strings.Repeat("a", MaxJSONBody) + `"}`

	r := srv.do(t, "POST", "/bind", strings.NewReader(big), "Content-Type: application/json")
	if r.status != 413 {
		t.Fatalf("announced oversize body: %d", r.status)
	}
	r.problem(t)

	req, _ := http.NewRequest("POST", srv.URL+"/bind", chunked{strings.NewReader(big)})
	req.Header.Set("Content-Type", "application/json")
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if req.ContentLength != 0 || res.StatusCode != 413 {
		t.Fatalf("chunked oversize body: status %d (content length %d) %s", res.StatusCode, req.ContentLength, body)
	}
	result{status: res.StatusCode, header: res.Header, body: body}.problem(t)

	justFits := `{"name":"` + strings.Repeat("a", MaxJSONBody-12) + `"}`
	if len(justFits) > MaxJSONBody {
		t.Fatalf("test body is %d bytes", len(justFits))
	}
	req, _ = http.NewRequest("POST", srv.URL+"/bind", chunked{bytes.NewReader([]byte(justFits))})
	res, err = srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("body within the limit: %d", res.StatusCode)
	}

	// Multipart uploads are limited by their handlers, not by the JSON limit: this one
	// reaches the handler, whose BindJSON refuses the media type.
	r = srv.do(t, "POST", "/bind", strings.NewReader(big), "Content-Type: multipart/form-data; boundary=x")
	if r.status != 415 {
		t.Fatalf("multipart body: status %d, want it to reach the handler (415)", r.status)
	}
	// So are tus chunks, which tusd bounds by the upload's length.
	r = srv.do(t, "POST", "/bind", strings.NewReader(big), "Content-Type: application/offset+octet-stream")
	if r.status != 415 {
		t.Fatalf("tus chunk: status %d, want it to reach the handler (415)", r.status)
	}
}

func TestPathID(t *testing.T) {
	srv := bindServer(t)
	if r := srv.do(t, "GET", "/id/42", nil); r.status != 200 || string(r.body) != "42" {
		t.Fatalf("valid id: %d %s", r.status, r.body)
	}
	for _, bad := range []string{"0", "-1", "abc", "1.5", "99999999999999999999", "1e3"} {
		r := srv.do(t, "GET", "/id/"+bad, nil)
		if r.status != 400 {
			t.Errorf("id %q: status %d", bad, r.status)
			continue
		}
		if p := r.problem(t); len(p.Errors) != 1 || p.Errors[0].Field != "id" {
			t.Errorf("id %q: errors %+v", bad, p.Errors)
		}
	}
}

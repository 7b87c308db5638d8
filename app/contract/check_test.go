package contract_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"vms/app/contract"
	"vms/app/docs"
)

const video = `{"id": 7, "name": "Product tour", "corporation_id": 1, "visibility": "private", "source_kind": "upload", "file_path": null,
 "content_type": "video/mp4", "size_bytes": 88925, "deleted": false, "deleted_at": null,
 "created_at": "2026-01-02T03:04:05Z", "updated_at": "2026-01-02T03:04:05Z",
 "media": {"status": "ready", "error": null, "duration_seconds": 2.0, "width": 320, "height": 240, "video_codec": "h264",
  "audio_codec": "aac", "bitrate": 355700, "poster_url": "/v1/videos/7/poster", "hls_url": null, "renditions": []}}`

func jsonHeader(mt string) http.Header { return http.Header{"Content-Type": {mt + "; charset=utf-8"}} }

// TestCheckerCatchesDrift plants the departures the checker exists for, on the committed
// document, and requires each to be reported, and a conforming exchange not to be.
func TestCheckerCatchesDrift(t *testing.T) {
	c, err := contract.NewChecker(docs.OpenAPI3)
	if err != nil {
		t.Fatal(err)
	}
	get := httptest.NewRequest(http.MethodGet, "/v1/videos/id/7", nil)
	signUp := httptest.NewRequest(http.MethodPost, "/v1/corporations", nil)
	signUp.Header.Set("Content-Type", "application/json")

	cases := []struct {
		name    string
		req     *http.Request
		reqBody string
		status  int
		header  http.Header
		body    string
		want    string // "" = conforms; else a part of the report
	}{
		{"conforming video", get, "", 200, jsonHeader("application/json"), video, ""},
		{"renamed response field (name → title)", get, "", 200, jsonHeader("application/json"),
			strings.Replace(video, `"name"`, `"title"`, 1), "name"},
		{"null where the document has no null", get, "", 200, jsonHeader("application/json"),
			strings.Replace(video, `"source_kind": "upload"`, `"source_kind": null`, 1), "source_kind"},
		{"value outside an enum", get, "", 200, jsonHeader("application/json"),
			strings.Replace(video, `"upload"`, `"ftp"`, 1), "source_kind"},
		{"undocumented status", get, "", http.StatusTeapot, jsonHeader(contract.ProblemMediaType),
			`{"type": "about:blank", "title": "I'm a teapot", "status": 418}`, "418"},
		{"error that is not a problem", get, "", 404, jsonHeader("application/json"),
			`{"type": "about:blank", "title": "Not Found", "status": 404}`, "Content-Type"},
		{"conforming problem", get, "", 404, jsonHeader(contract.ProblemMediaType),
			`{"type": "about:blank", "title": "Not Found", "status": 404, "detail": "video not found"}`, ""},
		{"accepted request the document calls invalid", signUp,
			`{"name": "Acme", "plan_type": "FREE", "admin_email": "a@acme.example", "admin_password": "short"}`,
			201, jsonHeader("application/json"),
			`{"id": 1, "name": "Acme", "plan_type": "FREE", "plan_expired_at": null, "effective_plan": "FREE", "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}`,
			"admin_password"},
		{"route the document lacks", httptest.NewRequest(http.MethodPost, "/v1/videos/id/7", nil), "", 200, jsonHeader("application/json"), video, "not in the document"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			errs := c.Check(tc.req, []byte(tc.reqBody), tc.status, tc.header, []byte(tc.body))
			var report strings.Builder
			for _, e := range errs {
				report.WriteString(e.Error() + "\n")
			}
			switch {
			case tc.want == "" && len(errs) > 0:
				t.Fatalf("a conforming exchange was reported:\n%s", report.String())
			case tc.want != "" && len(errs) == 0:
				t.Fatal("the departure was not reported")
			case tc.want != "" && !strings.Contains(report.String(), tc.want):
				t.Fatalf("the report does not mention %q:\n%s", tc.want, report.String())
			}
		})
	}
}

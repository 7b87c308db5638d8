package httpapi_test

import (
	"context"
	"strings"
	"testing"

	"vms/modules/video/domain"
	"vms/platform/httpserver/httptestkit"
)

// jsonRoutes are the video routes that read a JSON body, each with the caller it is sent
// as; ":live" stands for the id of the env's live video.
var jsonRoutes = []struct{ method, path, token string }{
	{"POST", "/v1/videos", adminA},
	{"PUT", "/v1/videos/:live", adminA},
	{"POST", "/v1/view-logs", guestA},
}

// FuzzJSONBodies posts arbitrary bytes as the JSON body of every video route that reads
// one, through the real handler with fakes behind it: never a 5xx or a panic (this
// engine has no recovery), every error is a problem that changed nothing, and a 2xx only
// ever answers a valid JSON body.
func FuzzJSONBodies(f *testing.F) {
	for i := range jsonRoutes {
		for _, body := range []string{
			`{"name":"Tour","file_path":"https://media.example.com/tour.mp4"}`,
			`{"name":"Tour 2"}`,
			`{"file_path":"https://media.example.com/other.mp4"}`,
			`{"video_id":1}`,
			`{"name":"Tour","file_path":"http://internal/x"}`,
			`{"name":"Tour","file_path":"file:///etc/passwd"}`,
			`{"name":"Tour","file_path":"https://media.example.com/t.mp4","id":9}`,
			`{"name":1,"file_path":false}`,
			`{"video_id":"1"}`,
			`{"video_id":99999999999999999999999}`,
			`{"video_id":1.5}`,
			`{"video_id":-1}`,
			`{"name":[[[[[[{"a":{}}]]]]]]}`,
			`{"video_id":1}{"video_id":1}`,
			`{"name":"Tour 2"},`,
			`{}`, `null`, `true`, ``, "\x00", `{"name":"\ud83d"}`,
		} {
			f.Add(uint8(i), []byte(body))
		}
	}
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		e := newEnv(t)
		r := jsonRoutes[int(route)%len(jsonRoutes)]
		path := strings.Replace(r.path, ":live", id(e.live), 1)
		videos, views := e.videos.Count(), e.views.Len()
		live, _ := e.videos.GetLive(context.Background(), domain.Viewer{CorporationID: e.live.CorporationID}, e.live.ID)
		rec := e.do(r.method, path, r.token, strings.NewReader(string(body)))
		httptestkit.CheckJSONAnswer(t, r.method+" "+path, body, rec)
		if rec.Code < 400 {
			return
		}
		after, _ := e.videos.GetLive(context.Background(), domain.Viewer{CorporationID: e.live.CorporationID}, e.live.ID)
		if e.videos.Count() != videos || e.views.Len() != views || after.Name != live.Name || after.UpdatedAt != live.UpdatedAt {
			t.Fatalf("%s %s %q: refused with %d but something changed", r.method, path, body, rec.Code)
		}
	})
}

package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

func TestUpdateValidation(t *testing.T) {
	e := newEnv(t)
	live, remote := "/v1/videos/"+id(e.live), "/v1/videos/"+id(e.remote)
	cases := []struct {
		path, body string
		status     int
		field      string
	}{
		{live, `{"file_path":"https://media.example.com/b.mp4"}`, 422, "file_path"},
		{live, `{}`, 422, "name"},
		{live, `{"name":""}`, 422, "name"},
		{live, `{"name":"x","owner":1}`, 422, "owner"},
		{remote, `{"file_path":"ftp://x/y"}`, 422, "file_path"},
		{remote, `{"file_path":"https://media.example.com/b.mp4"}`, 200, ""},
		{"/v1/videos/" + id(e.trashed), `{"name":"x"}`, 404, ""},
		{live, `not json`, 400, ""},
	}
	for _, c := range cases {
		rec := e.do(http.MethodPut, c.path, adminA, strings.NewReader(c.body))
		if rec.Code != c.status {
			t.Errorf("PUT %s %s: %d, want %d (%s)", c.path, c.body, rec.Code, c.status, rec.Body)
			continue
		}
		if c.field != "" {
			var p struct {
				Errors []struct {
					Field string `json:"field"`
				} `json:"errors"`
			}
			_ = json.Unmarshal(rec.Body.Bytes(), &p)
			found := false
			for _, fe := range p.Errors {
				found = found || fe.Field == c.field
			}
			if !found {
				t.Errorf("PUT %s: errors %s do not name %s", c.body, rec.Body, c.field)
			}
		}
	}
}

func TestRestoreOnFreePlanIs403(t *testing.T) {
	e := newEnv(t)
	// Corporation 200 is on the FREE plan in the fakes.
	rec := e.do(http.MethodPost, "/v1/videos", adminB, strings.NewReader(`{"name":"b","file_path":"https://media.example.com/b.mp4"}`))
	var v struct {
		ID int64 `json:"id"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &v)
	path := "/v1/videos/" + strconv.FormatInt(v.ID, 10)
	if rec := e.do(http.MethodDelete, path, adminB, nil); rec.Code != 204 {
		t.Fatalf("delete %d", rec.Code)
	}
	if rec := e.do(http.MethodPut, path+"/restore", adminB, nil); rec.Code != 403 {
		t.Fatalf("FREE restore %d, want 403", rec.Code)
	}
	if rec := e.do(http.MethodPut, path+"/restore", adminB, nil); !strings.Contains(rec.Body.String(), "PAID") {
		t.Fatalf("problem does not explain the plan: %s", rec.Body)
	}
}

package httpapi_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"vms/modules/video/service"
)

type part struct{ field, filename, content string }

func multipartBody(t *testing.T, parts ...part) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		var w io.Writer
		var err error
		if p.filename != "" {
			w, err = mw.CreateFormFile(p.field, p.filename)
		} else {
			w, err = mw.CreateFormField(p.field)
		}
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.WriteString(w, p.content)
	}
	_ = mw.Close()
	return &buf, mw.FormDataContentType()
}

func (e *env) upload(token string, body io.Reader, contentType string, length int64) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/v1/videos", body)
	req.Header.Set("Content-Type", contentType)
	req.ContentLength = length
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	e.engine.ServeHTTP(rec, req)
	return rec
}

func TestUploadStreamsToGeneratedKey(t *testing.T) {
	for _, order := range []string{"name first", "file first"} {
		t.Run(order, func(t *testing.T) {
			e := newEnv(t)
			before := len(e.storage.Keys())
			name := part{"name", "", "  Launch  "}
			file := part{"file", "../../etc/passwd", string(e.data)}
			parts := []part{name, file}
			if order == "file first" {
				parts = []part{file, name}
			}
			body, ct := multipartBody(t, parts...)
			rec := e.upload(adminA, body, ct, int64(body.Len()))
			if rec.Code != 201 {
				t.Fatalf("upload: %d %s", rec.Code, rec.Body)
			}
			var got map[string]any
			_ = json.Unmarshal(rec.Body.Bytes(), &got)
			if got["name"] != "Launch" || got["source_kind"] != "upload" || got["file_path"] != nil ||
				got["content_type"] != "video/mp4" || got["size_bytes"] != float64(len(e.data)) || got["corporation_id"] != float64(100) || got["deleted"] != false {
				t.Fatalf("response %v", got)
			}
			keys := e.storage.Keys()
			if len(keys) != before+1 {
				t.Fatalf("keys %v", keys)
			}
			for _, k := range keys {
				if strings.Contains(k, "passwd") || strings.Contains(k, "..") || strings.Contains(k, "/") {
					t.Fatalf("client file name reached storage: %q", k)
				}
			}
		})
	}
}

func TestUploadRefusals(t *testing.T) {
	t.Run("guest", func(t *testing.T) {
		e := newEnv(t)
		body, ct := multipartBody(t, part{"name", "", "x"}, part{"file", "a.mp4", string(e.data)})
		if rec := e.upload(guestA, body, ct, int64(body.Len())); rec.Code != 403 {
			t.Fatalf("guest upload %d", rec.Code)
		}
	})
	t.Run("413 by content length before reading", func(t *testing.T) {
		e := newEnv(t)
		untouched := &tripwire{t: t}
		_, ct := multipartBody(t)
		rec := e.upload(adminA, untouched, ct, 10<<30)
		if rec.Code != 413 || rec.Header().Get("Connection") != "close" {
			t.Fatalf("announced 10 GiB: %d, Connection %q", rec.Code, rec.Header().Get("Connection"))
		}
	})
	t.Run("413 by actual bytes", func(t *testing.T) {
		e := newEnv(t, func(s *service.Settings) { s.MaxUploadBytes = 10_000 })
		before := len(e.storage.Keys())
		body, ct := multipartBody(t, part{"name", "", "big"}, part{"file", "big.mp4", string(e.data)})
		rec := e.upload(adminA, io.NopCloser(body), ct, -1) // chunked: no Content-Length
		if rec.Code != 413 || len(e.storage.Keys()) != before || e.videos.Count() != 3 {
			t.Fatalf("oversized upload: %d %s, keys %d, rows %d", rec.Code, rec.Body, len(e.storage.Keys()), e.videos.Count())
		}
	})
	t.Run("413 for a body over the request limit", func(t *testing.T) {
		e := newEnv(t, func(s *service.Settings) { s.MaxUploadBytes = 10_000 })
		body, ct := multipartBody(t, part{"name", "", "big"}, part{"file", "big.mp4", string(e.data)})
		preamble := strings.Repeat("x", 80) + "\r\n"
		huge := io.MultiReader(strings.NewReader(strings.Repeat(preamble, (2<<20)/len(preamble))), body)
		rec := e.upload(adminA, huge, ct, -1)
		if rec.Code != 413 || rec.Header().Get("Connection") != "close" || !strings.Contains(rec.Header().Get("Content-Type"), "problem+json") {
			t.Fatalf("oversized body: %d %s %v", rec.Code, rec.Body, rec.Header())
		}
	})
	t.Run("400 without multipart framing", func(t *testing.T) {
		e := newEnv(t)
		rec := e.upload(adminA, strings.NewReader("x"), "multipart/form-data", 1)
		if rec.Code != 400 {
			t.Fatalf("no boundary: %d", rec.Code)
		}
	})
	t.Run("415 for text named mp4", func(t *testing.T) {
		e := newEnv(t)
		before := len(e.storage.Keys())
		body, ct := multipartBody(t, part{"name", "", "fake"}, part{"file", "movie.mp4", strings.Repeat("hello, this is text\n", 50)})
		rec := e.upload(adminA, body, ct, int64(body.Len()))
		if rec.Code != 415 || len(e.storage.Keys()) != before || e.videos.Count() != 3 {
			t.Fatalf("text upload: %d, keys %d, rows %d", rec.Code, len(e.storage.Keys()), e.videos.Count())
		}
	})
	t.Run("422 for a bad name after the file", func(t *testing.T) {
		e := newEnv(t)
		before := len(e.storage.Keys())
		body, ct := multipartBody(t, part{"file", "a.mp4", string(e.data)}, part{"name", "", "   "})
		rec := e.upload(adminA, body, ct, int64(body.Len()))
		if rec.Code != 422 || len(e.storage.Keys()) != before || e.videos.Count() != 3 {
			t.Fatalf("blank name: %d, keys %d, rows %d", rec.Code, len(e.storage.Keys()), e.videos.Count())
		}
	})
	t.Run("422 without a file", func(t *testing.T) {
		e := newEnv(t)
		body, ct := multipartBody(t, part{"name", "", "x"})
		if rec := e.upload(adminA, body, ct, int64(body.Len())); rec.Code != 422 {
			t.Fatalf("no file: %d", rec.Code)
		}
	})
	t.Run("422 for an unknown part", func(t *testing.T) {
		e := newEnv(t)
		body, ct := multipartBody(t, part{"name", "", "x"}, part{"owner", "", "1"})
		if rec := e.upload(adminA, body, ct, int64(body.Len())); rec.Code != 422 {
			t.Fatalf("unknown part: %d", rec.Code)
		}
	})
	t.Run("aborted upload leaves nothing", func(t *testing.T) {
		e := newEnv(t)
		before := len(e.storage.Keys())
		body, ct := multipartBody(t, part{"name", "", "x"}, part{"file", "a.mp4", string(e.data)})
		cut := &brokenReader{r: io.LimitReader(body, 40_000)}
		rec := e.upload(adminA, cut, ct, -1)
		if rec.Code != 400 || len(e.storage.Keys()) != before || e.videos.Count() != 3 {
			t.Fatalf("aborted upload: %d %s, keys %d, rows %d", rec.Code, rec.Body, len(e.storage.Keys()), e.videos.Count())
		}
	})
	t.Run("json with bad url", func(t *testing.T) {
		e := newEnv(t)
		for _, b := range []string{`{"name":"x","file_path":"ftp://a/b"}`, `{"name":"x"}`, `{"name":"x","file_path":"https://a/b","extra":1}`, `{"name":1,"file_path":"https://a/b"}`} {
			if rec := e.do(http.MethodPost, "/v1/videos", adminA, strings.NewReader(b)); rec.Code != 422 {
				t.Errorf("%s: %d %s", b, rec.Code, rec.Body)
			}
		}
		if rec := e.do(http.MethodPost, "/v1/videos", adminA, strings.NewReader(`{"name":`)); rec.Code != 400 {
			t.Errorf("malformed json: %d", rec.Code)
		}
	})
}

// tripwire fails the test when the handler reads the body.
type tripwire struct{ t *testing.T }

func (r *tripwire) Read([]byte) (int, error) {
	r.t.Error("the body was read although Content-Length exceeds the limit")
	return 0, io.EOF
}

type brokenReader struct{ r io.Reader }

func (b *brokenReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF {
		return n, errors.New("connection reset by peer")
	}
	return n, err
}

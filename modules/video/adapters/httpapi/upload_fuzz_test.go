package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"vms/modules/video/domain"
	"vms/platform/httpserver"
)

// fuzzBoundary is the boundary of the seed bodies.
const fuzzBoundary = "fuzzboundary"

// tinyMP4 is the smallest body that sniffs as video/mp4: one ftyp box.
const tinyMP4 = "\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"

// FuzzUpload posts arbitrary multipart bodies with an arbitrary boundary to
// POST /v1/videos as an admin: never a 5xx or a panic, every error is a problem, a 201
// registers a video whose stored object exists and sniffs as the video type it was
// given, and any refusal leaves storage exactly as it was (no object behind).
func FuzzUpload(f *testing.F) {
	type part struct{ field, filename, content string }
	body := func(parts ...part) []byte {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.SetBoundary(fuzzBoundary)
		for _, p := range parts {
			if p.filename != "" {
				w, _ := mw.CreateFormFile(p.field, p.filename)
				_, _ = w.Write([]byte(p.content))
			} else {
				_ = mw.WriteField(p.field, p.content)
			}
		}
		_ = mw.Close()
		return buf.Bytes()
	}
	name, file := part{"name", "", "Launch"}, part{"file", "a.mp4", tinyMP4}
	valid := body(name, file)
	for _, b := range [][]byte{
		valid,
		body(file, name),
		body(file),
		body(name),
		body(name, part{"file", "a.webm", "\x1a\x45\xdf\xa3\x00\x00\x00\x00"}),
		body(name, part{"file", "a.txt", "hello, not a video"}),
		body(name, part{"file", "empty.mp4", ""}),
		body(name, file, file),
		body(name, file, part{"extra", "", "x"}),
		body(part{"name", "", strings.Repeat("n", 900)}, file),
		body(part{"name", "", "\xff\xfe"}, file),
		valid[:len(valid)-10],
		append(slices.Clone(valid), "junk after the end"...),
		bytes.ReplaceAll(valid, []byte("\r\n"), []byte("\n")),
		nil,
	} {
		f.Add(fuzzBoundary, b)
	}
	f.Add("", valid)
	f.Add("other", valid)
	f.Add(`"quoted boundary"`, bytes.ReplaceAll(valid, []byte(fuzzBoundary), []byte("quoted boundary")))
	f.Add(strings.Repeat("b", 80), bytes.ReplaceAll(valid, []byte(fuzzBoundary), []byte(strings.Repeat("b", 80))))

	f.Fuzz(func(t *testing.T, boundary string, b []byte) {
		e := newEnv(t)
		before, videos := e.storage.Keys(), e.videos.Count()
		rec := e.do(http.MethodPost, "/v1/videos", adminA, bytes.NewReader(b), "Content-Type: multipart/form-data; boundary="+boundary)
		ct := rec.Header().Get("Content-Type")
		switch {
		case rec.Code >= 500:
			t.Fatalf("boundary %q body %q: %d %s", boundary, b, rec.Code, rec.Body)
		case rec.Code >= 400 && !strings.HasPrefix(ct, httpserver.ProblemContentType):
			t.Fatalf("boundary %q body %q: %d with content type %q", boundary, b, rec.Code, ct)
		case rec.Code == http.StatusCreated:
			checkStored(t, e, rec, before)
			return
		case rec.Code < 400:
			t.Fatalf("boundary %q body %q: %d", boundary, b, rec.Code)
		}
		if after := e.storage.Keys(); !sameKeys(after, before) || e.videos.Count() != videos {
			t.Fatalf("boundary %q body %q: refused with %d, but storage holds %v (was %v)", boundary, b, rec.Code, after, before)
		}
	})
}

// checkStored asserts that a 201 upload registered exactly one new stored object, and
// that the object is a video of the registered type and size.
func checkStored(t *testing.T, e *env, rec *httptest.ResponseRecorder, before []string) {
	t.Helper()
	var got struct {
		ID          int64  `json:"id"`
		ContentType string `json:"content_type"`
		SizeBytes   int64  `json:"size_bytes"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("201 body %s: %v", rec.Body, err)
	}
	v, err := e.videos.GetLive(context.Background(), domain.Viewer{CorporationID: 100}, got.ID)
	if err != nil {
		t.Fatalf("201 for video %d that does not exist: %v", got.ID, err)
	}
	obj, ok := e.storage.Object(v.StorageKey)
	if !ok {
		t.Fatalf("201 for video %d whose object %q is not stored", got.ID, v.StorageKey)
	}
	sniffed, _, _ := strings.Cut(http.DetectContentType(obj), ";")
	if !domain.IsVideoContentType(sniffed) || sniffed != v.ContentType || got.ContentType != v.ContentType ||
		int64(len(obj)) != v.SizeBytes || got.SizeBytes != v.SizeBytes {
		t.Fatalf("stored %d bytes sniffing as %q for video %+v, answered %+v", len(obj), sniffed, v, got)
	}
	if after := e.storage.Keys(); len(after) != len(before)+1 || !slices.Contains(after, v.StorageKey) {
		t.Fatalf("storage holds %v after one upload (was %v)", after, before)
	}
}

func sameKeys(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

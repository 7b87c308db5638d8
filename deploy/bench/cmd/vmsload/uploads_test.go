package main

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeTus is a minimal tus 1.0 server: one upload, PATCHes that must continue at its
// offset, and Video-Id on the answer that completes it.
type fakeTus struct {
	t        *testing.T
	mu       sync.Mutex
	length   int64
	got      bytes.Buffer
	meta     string
	lengths  []int64 // Content-Length of each PATCH
	patchErr int     // answer the PATCH with this index with 409 (-1: never)
}

func (f *fakeTus) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer tok" || r.Header.Get("Tus-Resumable") != "1.0.0" {
		http.Error(w, "headers", http.StatusBadRequest)
		return
	}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v1/uploads":
		f.length, _ = strconv.ParseInt(r.Header.Get("Upload-Length"), 10, 64)
		f.meta = r.Header.Get("Upload-Metadata")
		w.Header().Set("Location", "/v1/uploads/abc")
		w.WriteHeader(http.StatusCreated)
	case r.Method == http.MethodPatch && r.URL.Path == "/v1/uploads/abc":
		if r.Header.Get("Content-Type") != "application/offset+octet-stream" ||
			r.Header.Get("Upload-Offset") != strconv.Itoa(f.got.Len()) || len(f.lengths) == f.patchErr {
			w.WriteHeader(http.StatusConflict)
			return
		}
		f.lengths = append(f.lengths, r.ContentLength)
		if _, err := io.Copy(&f.got, r.Body); err != nil {
			f.t.Error(err)
		}
		w.Header().Set("Upload-Offset", strconv.Itoa(f.got.Len()))
		if int64(f.got.Len()) == f.length {
			w.Header().Set("Video-Id", "42")
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		http.NotFound(w, r)
	}
}

func tempFile(t *testing.T, n int) (string, []byte) {
	t.Helper()
	data := make([]byte, n)
	_, _ = rand.Read(data)
	path := filepath.Join(t.TempDir(), "v.mp4")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path, data
}

// TestTusUploadSendsChunksInOrder pins the tus client: creation with the length and the
// metadata, PATCHes of the chunk size (the last one shorter) continuing at the offset, and
// the video id of the last answer.
func TestTusUploadSendsChunksInOrder(t *testing.T) {
	for _, chunked := range []bool{false, true} {
		fake := &fakeTus{t: t, patchErr: -1}
		srv := httptest.NewServer(fake)
		path, data := tempFile(t, 2500)
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		uf := uploadFlags{base: srv.URL, token: "tok", name: "n", visibility: "public"}
		res, err := tusUpload(newClient(1, time.Minute), uf, f, int64(len(data)), 1000, chunked)
		f.Close()
		srv.Close()
		if err != nil {
			t.Fatal(err)
		}
		if res.video != 42 || res.patches != 3 || !bytes.Equal(fake.got.Bytes(), data) {
			t.Fatalf("chunked=%v: video %d, %d patches, %d bytes arrived", chunked, res.video, res.patches, fake.got.Len())
		}
		want := []int64{1000, 1000, 500}
		if chunked {
			want = []int64{-1, -1, -1}
		}
		for i, n := range fake.lengths {
			if n != want[i] {
				t.Errorf("chunked=%v: PATCH %d had Content-Length %d, want %d", chunked, i, n, want[i])
			}
		}
		name := base64.StdEncoding.EncodeToString([]byte("n"))
		if !strings.Contains(fake.meta, "name "+name) || !strings.Contains(fake.meta, "visibility ") || !strings.Contains(fake.meta, "filetype ") {
			t.Errorf("Upload-Metadata %q", fake.meta)
		}
	}
}

func TestTusUploadReportsARefusedPatch(t *testing.T) {
	fake := &fakeTus{t: t, patchErr: 1}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	path, data := tempFile(t, 2500)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	uf := uploadFlags{base: srv.URL, token: "tok", name: "n", visibility: "public"}
	_, err = tusUpload(newClient(1, time.Minute), uf, f, int64(len(data)), 1000, false)
	if err == nil || !strings.Contains(err.Error(), "PATCH at offset 1000") || !strings.Contains(err.Error(), "409") {
		t.Fatalf("error %v", err)
	}
}

// TestMultipartFrameWrapsTheFile checks that head + file + tail is a multipart body the
// server's reader takes: the name and visibility fields, then the file part.
func TestMultipartFrameWrapsTheFile(t *testing.T) {
	head, tail, ct, err := multipartFrame("my video", "public", "v.mp4")
	if err != nil {
		t.Fatal(err)
	}
	data := bytes.Repeat([]byte("0123456789"), 1000)
	body := io.MultiReader(bytes.NewReader(head), bytes.NewReader(data), bytes.NewReader(tail))
	_, params, err := mime.ParseMediaType(ct)
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(body, params["boundary"])
	want := []struct{ name, value string }{{"name", "my video"}, {"visibility", "public"}, {"file", string(data)}}
	for _, w := range want {
		p, err := mr.NextPart()
		if err != nil {
			t.Fatalf("part %s: %v", w.name, err)
		}
		got, _ := io.ReadAll(p)
		if p.FormName() != w.name || string(got) != w.value {
			t.Fatalf("part %q (%d bytes), want %q (%d bytes)", p.FormName(), len(got), w.name, len(w.value))
		}
	}
	if _, err := mr.NextPart(); err != io.EOF {
		t.Fatalf("after the file: %v", err)
	}
}

func TestRSSSamplerWithoutAProcess(t *testing.T) {
	if got := startRSS(0, time.Millisecond).stop(); !strings.Contains(got, "peak_rss_kib=0 ") {
		t.Fatal(got)
	}
	s := startRSS(os.Getpid(), time.Millisecond)
	time.Sleep(5 * time.Millisecond)
	if got := s.stop(); strings.Contains(got, "peak_rss_kib=0 ") {
		t.Fatalf("own process: %s", got)
	}
}

package stream

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"testing"

	"vms/modules/video/domain"
)

// brokenWriter accepts limit body bytes, then fails as a connection whose client left.
type brokenWriter struct {
	*httptest.ResponseRecorder
	limit int
}

func (w *brokenWriter) Write(p []byte) (int, error) {
	if len(p) > w.limit {
		n, _ := w.ResponseRecorder.Write(p[:w.limit])
		w.limit = 0
		return n, errors.New("client gone")
	}
	w.limit -= len(p)
	return w.ResponseRecorder.Write(p)
}

// WriteContent reports what went out: the body bytes and the spans of the file, fewer of
// them when the client leaves early.
func TestWriteContentReportsWhatWasWritten(t *testing.T) {
	r := func(first, last int64) domain.ByteRange { return domain.ByteRange{First: first, Last: last} }
	cases := []struct {
		name       string
		status     int
		ranges     []domain.ByteRange
		limit      int
		wantRanges []domain.ByteRange
		wantBytes  int64
	}{
		{name: "whole", status: 200, limit: 1 << 20, wantRanges: []domain.ByteRange{r(0, testSize-1)}, wantBytes: testSize},
		{name: "one range", status: 206, ranges: []domain.ByteRange{r(100, 199)}, limit: 1 << 20, wantRanges: []domain.ByteRange{r(100, 199)}, wantBytes: 100},
		{name: "client leaves", status: 200, limit: 300, wantRanges: []domain.ByteRange{r(0, 299)}, wantBytes: 300},
		{name: "client leaves a range", status: 206, ranges: []domain.ByteRange{r(500, 999)}, limit: 10, wantRanges: []domain.ByteRange{r(500, 509)}, wantBytes: 10},
		{name: "two ranges", status: 206, ranges: []domain.ByteRange{r(0, 9), r(900, 949)}, limit: 1 << 20, wantRanges: []domain.ByteRange{r(0, 9), r(900, 949)}, wantBytes: -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := &brokenWriter{ResponseRecorder: httptest.NewRecorder(), limit: tc.limit}
			got, err := WriteContent(w, domain.Stream{Kind: domain.StreamContent, Status: tc.status, Ranges: tc.ranges, Size: testSize,
				ContentType: "video/mp4", Content: nopCloser{bytes.NewReader(testData)}})
			if cut := tc.limit < 1<<20; cut != (err != nil) {
				t.Fatalf("cut short %v, error %v", cut, err)
			}
			if !reflect.DeepEqual(got.Ranges, tc.wantRanges) {
				t.Fatalf("ranges %v, want %v", got.Ranges, tc.wantRanges)
			}
			want := tc.wantBytes
			if want == -1 { // multipart: the whole body, framing included
				want, _ = strconv.ParseInt(w.Header().Get("Content-Length"), 10, 64)
			}
			if got.Bytes != want || int64(w.Body.Len()) != want {
				t.Fatalf("bytes %d (body %d), want %d", got.Bytes, w.Body.Len(), want)
			}
		})
	}
	// HEAD and 304 write no body.
	for _, s := range []domain.Stream{
		{Kind: domain.StreamContent, Status: http.StatusNotModified, Size: testSize},
		{Kind: domain.StreamContent, Status: 200, Size: testSize},
	} {
		got, err := WriteContent(httptest.NewRecorder(), s)
		if err != nil || got.Bytes != 0 || len(got.Ranges) != 0 {
			t.Fatalf("no content: %+v %v", got, err)
		}
	}
}

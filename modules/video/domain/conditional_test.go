package domain

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	"vms/platform/kind"
)

func TestPlanContent(t *testing.T) {
	mod := time.Date(2026, 1, 2, 3, 4, 5, 600, time.UTC)
	lm := mod.Format(HTTPTimeFormat)
	rep := Representation{Size: 1000, ETag: `"abc"`, LastModified: mod}
	r := func(f, l int64) ByteRange { return ByteRange{First: f, Last: l} }
	cases := []struct {
		name   string
		req    StreamRequest
		rep    *Representation
		status int // 416 for a RangeNotSatisfiableError
		ranges []ByteRange
	}{
		{name: "no range", status: 200},
		{name: "first 100", req: StreamRequest{Range: "bytes=0-99"}, status: 206, ranges: []ByteRange{r(0, 99)}},
		{name: "open end", req: StreamRequest{Range: "bytes=100-"}, status: 206, ranges: []ByteRange{r(100, 999)}},
		{name: "suffix", req: StreamRequest{Range: "bytes=-100"}, status: 206, ranges: []ByteRange{r(900, 999)}},
		{name: "suffix longer than content", req: StreamRequest{Range: "bytes=-5000"}, status: 206, ranges: []ByteRange{r(0, 999)}},
		{name: "end clamped", req: StreamRequest{Range: "bytes=990-99999"}, status: 206, ranges: []ByteRange{r(990, 999)}},
		{name: "spaces", req: StreamRequest{Range: " bytes = 1-2 ,\t3-4 "}, status: 206, ranges: []ByteRange{r(1, 2), r(3, 4)}},
		{name: "unit case-insensitive", req: StreamRequest{Range: "Bytes=0-1"}, status: 206, ranges: []ByteRange{r(0, 1)}},
		{name: "unknown unit ignored", req: StreamRequest{Range: "items=0-1"}, status: 200},
		{name: "no unit ignored", req: StreamRequest{Range: "0-1"}, status: 200},
		{name: "16 ranges honoured", req: StreamRequest{Range: "bytes=" + strings.Repeat("0-0,", 15) + "0-0"}, status: 206, ranges: slices.Repeat([]ByteRange{r(0, 0)}, 16)},
		{name: "17 ranges ignored", req: StreamRequest{Range: "bytes=" + strings.Repeat("0-0,", 16) + "0-0"}, status: 200},
		{name: "16 ranges after empty elements honoured", req: StreamRequest{Range: "bytes=," + strings.Repeat("0-0,,", 15) + "0-0"}, status: 206, ranges: slices.Repeat([]ByteRange{r(0, 0)}, 16)},
		{name: "empty element first skipped", req: StreamRequest{Range: "bytes=,0-9"}, status: 206, ranges: []ByteRange{r(0, 9)}},
		{name: "empty elements between skipped", req: StreamRequest{Range: "bytes=0-9, ,,20-29,"}, status: 206, ranges: []ByteRange{r(0, 9), r(20, 29)}},
		{name: "one range at the end dropped from several", req: StreamRequest{Range: "bytes=0-9,1000-"}, status: 206, ranges: []ByteRange{r(0, 9)}},
		{name: "one range past the end dropped from several", req: StreamRequest{Range: "bytes=1000-1000,990-"}, status: 206, ranges: []ByteRange{r(990, 999)}},
		{name: "last byte", req: StreamRequest{Range: "bytes=999-"}, status: 206, ranges: []ByteRange{r(999, 999)}},
		{name: "open end at the size", req: StreamRequest{Range: "bytes=1000-"}, status: 416},
		{name: "ranges adding up past the size ignored", req: StreamRequest{Range: "bytes=0-999,0-999"}, status: 200},
		{name: "unsatisfiable part dropped", req: StreamRequest{Range: "bytes=-0, 5-9"}, status: 206, ranges: []ByteRange{r(5, 9)}},
		{name: "zero suffix", req: StreamRequest{Range: "bytes=-0"}, status: 416},
		{name: "beyond end", req: StreamRequest{Range: "bytes=1000-2000"}, status: 416},
		{name: "huge first position", req: StreamRequest{Range: "bytes=99999999999999999999999-"}, status: 416},
		{name: "garbage", req: StreamRequest{Range: "bytes=abc"}, status: 416},
		{name: "invalid among valid", req: StreamRequest{Range: "bytes=0-1,x"}, status: 416},
		{name: "letter in last", req: StreamRequest{Range: "bytes=0-9x"}, status: 416},
		{name: "letter in first", req: StreamRequest{Range: "bytes=0x-9"}, status: 416},
		{name: "letter in suffix", req: StreamRequest{Range: "bytes=-1a"}, status: 416},
		{name: "plus sign", req: StreamRequest{Range: "bytes=+5-9"}, status: 416},
		{name: "character below the digits", req: StreamRequest{Range: "bytes=0-9/"}, status: 416},
		{name: "character above the digits", req: StreamRequest{Range: "bytes=0-9:"}, status: 416},
		{name: "last before first", req: StreamRequest{Range: "bytes=500-100"}, status: 416},
		{name: "negative", req: StreamRequest{Range: "bytes=--5"}, status: 416},
		{name: "empty set", req: StreamRequest{Range: "bytes="}, status: 416},
		{name: "empty representation", req: StreamRequest{Range: "bytes=0-1"}, rep: &Representation{Size: 0, ETag: `"e"`}, status: 200},
		{name: "head ignores range", req: StreamRequest{Head: true, Range: "bytes=0-1"}, status: 200},
		{name: "head ignores unsatisfiable range", req: StreamRequest{Head: true, Range: "bytes=-0"}, status: 200},
		{name: "if-range strong", req: StreamRequest{Range: "bytes=0-9", IfRange: `"abc"`}, status: 206, ranges: []ByteRange{r(0, 9)}},
		{name: "if-range weak", req: StreamRequest{Range: "bytes=0-9", IfRange: `W/"abc"`}, status: 200},
		{name: "if-range stale", req: StreamRequest{Range: "bytes=0-9", IfRange: `"old"`}, status: 200},
		{name: "if-range date", req: StreamRequest{Range: "bytes=0-9", IfRange: lm}, status: 206, ranges: []ByteRange{r(0, 9)}},
		{name: "if-range other date", req: StreamRequest{Range: "bytes=0-9", IfRange: mod.Add(time.Second).Format(HTTPTimeFormat)}, status: 200},
		{name: "if-range stale with unsatisfiable range", req: StreamRequest{Range: "bytes=-0", IfRange: `"old"`}, status: 200},
		{name: "if-none-match", req: StreamRequest{IfNoneMatch: `"abc"`}, status: 304},
		{name: "if-none-match weak", req: StreamRequest{IfNoneMatch: `W/"abc"`}, status: 304},
		{name: "if-none-match list", req: StreamRequest{IfNoneMatch: `"x", "abc"`}, status: 304},
		{name: "if-none-match star", req: StreamRequest{IfNoneMatch: "*"}, status: 304},
		{name: "if-none-match list with an empty tag first", req: StreamRequest{IfNoneMatch: `"", "abc"`}, status: 304},
		{name: "if-none-match list with every tag character", req: StreamRequest{IfNoneMatch: "\"!#~\x80\", \"abc\""}, status: 304},
		{name: "if-none-match list stops at a malformed tag", req: StreamRequest{IfNoneMatch: `"a b", "abc"`}, status: 200},
		{name: "if-none-match empty opaque tag", req: StreamRequest{IfNoneMatch: `""`}, rep: &Representation{Size: 1000, ETag: `""`}, status: 304},
		{name: "if-none-match unterminated", req: StreamRequest{IfNoneMatch: `"abc`}, status: 200},
		{name: "if-none-match weak prefix alone", req: StreamRequest{IfNoneMatch: `W/`}, status: 200},
		{name: "if-range blank", req: StreamRequest{Range: "bytes=0-9", IfRange: " "}, status: 200},
		{name: "if-range weak prefix alone", req: StreamRequest{Range: "bytes=0-9", IfRange: "W/"}, status: 200},
		{name: "if-none-match other", req: StreamRequest{IfNoneMatch: `"zzz"`, Range: "bytes=0-0"}, status: 206, ranges: []ByteRange{r(0, 0)}},
		{name: "if-none-match other beats if-modified-since", req: StreamRequest{IfNoneMatch: `"zzz"`, IfModifiedSince: lm}, status: 200},
		{name: "if-modified-since", req: StreamRequest{IfModifiedSince: lm}, status: 304},
		{name: "if-modified-since rfc850", req: StreamRequest{IfModifiedSince: mod.Format(time.RFC850)}, status: 304},
		{name: "if-modified-since ansi c", req: StreamRequest{IfModifiedSince: mod.Format(time.ANSIC)}, status: 304},
		{name: "if-modified-since older", req: StreamRequest{IfModifiedSince: mod.Add(-time.Hour).Format(HTTPTimeFormat)}, status: 200},
		{name: "if-modified-since garbage", req: StreamRequest{IfModifiedSince: "yesterday"}, status: 200},
		{name: "if-modified-since without a date", req: StreamRequest{IfModifiedSince: lm}, rep: &Representation{Size: 1000, ETag: `"abc"`}, status: 200},
		{name: "not modified beats range", req: StreamRequest{IfNoneMatch: `"abc"`, Range: "bytes=-0"}, status: 304},
		{name: "if-match", req: StreamRequest{IfMatch: `"abc"`}, status: 200},
		{name: "if-match star", req: StreamRequest{IfMatch: "*"}, status: 200},
		{name: "if-match weak fails", req: StreamRequest{IfMatch: `W/"abc"`}, status: 412},
		{name: "if-match other", req: StreamRequest{IfMatch: `"zzz"`}, status: 412},
		{name: "if-unmodified-since", req: StreamRequest{IfUnmodifiedSince: lm}, status: 200},
		{name: "if-unmodified-since older", req: StreamRequest{IfUnmodifiedSince: mod.Add(-time.Hour).Format(HTTPTimeFormat)}, status: 412},
		{name: "if-match beats if-unmodified-since", req: StreamRequest{IfMatch: `"abc"`, IfUnmodifiedSince: mod.Add(-time.Hour).Format(HTTPTimeFormat)}, status: 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rp := rep
			if c.rep != nil {
				rp = *c.rep
			}
			plan, err := PlanContent(c.req, rp)
			if c.status == 416 {
				var rns *RangeNotSatisfiableError
				if !errors.As(err, &rns) || rns.Size != rp.Size || rns.Kind() != kind.RangeNotSatisfiable {
					t.Fatalf("err = %v, want 416 of %d bytes", err, rp.Size)
				}
				return
			}
			if err != nil || plan.Status != c.status || !slices.Equal(plan.Ranges, c.ranges) {
				t.Fatalf("plan %+v %v, want %d %v", plan, err, c.status, c.ranges)
			}
		})
	}
}

func TestByteRange(t *testing.T) {
	r := ByteRange{First: 10, Last: 19}
	if r.Length() != 10 || r.ContentRange(88925) != "bytes 10-19/88925" {
		t.Fatalf("%d %q", r.Length(), r.ContentRange(88925))
	}
}

func TestStreamErrors(t *testing.T) {
	if e := (&SourceStatusError{Status: 503}); e.Kind() != kind.BadGateway || e.Error() != "the video source answered 503" {
		t.Fatalf("%v %s", e, e.Kind())
	}
	if e := (&RangeNotSatisfiableError{Size: 5}); !strings.Contains(e.Error(), "5 bytes") {
		t.Fatalf("%v", e)
	}
}

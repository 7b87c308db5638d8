package domain

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// maxFuzzSize bounds the representation sizes the range fuzzer tries.
const maxFuzzSize = 4 << 20

// zeros backs the representation net/http serves, shared so no iteration allocates it.
var zeros = make([]byte, maxFuzzSize)

// FuzzPlanRange checks the range planning of any Range header against any size: the
// action is one of the three, the ranges lie inside the representation and are at most
// maxRanges, PlanContent answers 200, 206 or 416 accordingly, and where the header is
// outside the known differences below, net/http's ServeContent gives the same answer.
//
// The intended differences from net/http, skipped by knownDifference:
//   - a unit other than exactly "bytes=" (another unit, another case, spaces around
//     "=" or the header) is ignored here (200); net/http refuses it (416);
//   - a header with no range at all ("bytes=", "bytes=,") is refused here (416);
//     net/http serves the whole representation (200);
//   - "bytes=-0" is unsatisfiable here; net/http plans a zero-length range;
//   - more than 16 ranges are ignored here (200); net/http honours them;
//   - an empty representation answers 200 here; net/http answers 416 for a range past it;
//   - net/http's strconv accepts a sign ("+5", "0--0") and trims spaces and CR/LF inside a range
//     ("0 - 5"), and refuses positions past MaxInt64, which are merely unsatisfiable here;
//   - a range starting past the end whose last position is invalid (not digits, or
//     before first: RFC 9110 §14.1.1) makes the set invalid here (416); net/http skips
//     such a range without looking at its last position;
//   - a HEAD never gets a range here; net/http answers it 206 (so HEAD is not compared).
func FuzzPlanRange(f *testing.F) {
	for _, s := range []struct {
		header string
		size   int64
	}{
		{"bytes=0-99", 1000}, {"bytes=500-", 1000}, {"bytes=-200", 1000}, {"bytes=-0", 1000},
		{"bytes=0-0,-1", 1000}, {"bytes=1000-", 1000}, {"bytes=5-1", 1000}, {"bytes=0-", 0},
		{"BYTES=0-1", 10}, {"items=0-1", 10}, {"bytes=", 10}, {"bytes=,", 10}, {"bytes= 1-2 ,\t3-4", 10},
		{"bytes=0-1,2-3,4-5,6-7,8-9,10-11,12-13,14-15,16-17,18-19,20-21,22-23,24-25,26-27,28-29,30-31,32-33", 100},
		{"bytes=0-99999999999999999999", 4 << 20}, {"bytes=99999999999999999999-", 10}, {"bytes=0-5,0-5", 8},
		{"bytes=+1-2", 10}, {"bytes=1 - 2", 10}, {"bytes=0-9,0-9", 10}, {"bytes=--1", 10}, {"bytes=1-2-3", 10},
	} {
		f.Add(s.header, s.size)
	}
	f.Fuzz(func(t *testing.T, header string, size int64) {
		if size < 0 {
			size = -(size + 1)
		}
		size %= maxFuzzSize + 1

		action, ranges := planRange(header, size)
		switch action {
		case rangeIgnore, rangeUnsatisfiable:
			if len(ranges) != 0 {
				t.Fatalf("action %d with ranges %v", action, ranges)
			}
		case rangeServe:
			if len(ranges) == 0 || len(ranges) > maxRanges {
				t.Fatalf("serve %d ranges", len(ranges))
			}
		default:
			t.Fatalf("action %d", action)
		}
		for _, r := range ranges {
			if r.First < 0 || r.First > r.Last || r.Last >= size {
				t.Fatalf("range %+v outside [0,%d)", r, size)
			}
		}

		plan, err := PlanContent(StreamRequest{Range: header}, Representation{Size: size})
		var rnse *RangeNotSatisfiableError
		switch {
		case err != nil:
			if !errors.As(err, &rnse) || rnse.Size != size || action != rangeUnsatisfiable || size == 0 {
				t.Fatalf("PlanContent error %v for action %d, size %d", err, action, size)
			}
		case plan.Status == 206:
			if action != rangeServe || len(plan.Ranges) != len(ranges) {
				t.Fatalf("206 with %v for action %d %v", plan.Ranges, action, ranges)
			}
		case plan.Status == 200:
			if len(plan.Ranges) != 0 {
				t.Fatalf("200 with ranges %v", plan.Ranges)
			}
		default:
			t.Fatalf("status %d without preconditions", plan.Status)
		}
		head, headErr := PlanContent(StreamRequest{Head: true, Range: header}, Representation{Size: size})
		if headErr != nil || head.Status != 200 {
			t.Fatalf("HEAD planned %d, %v", head.Status, headErr)
		}

		if why := knownDifference(header, size); why != "" {
			t.Skip(why)
		}
		status, contentRange := serveContent(header, size)
		ours := plan.Status
		if err != nil {
			ours = http.StatusRequestedRangeNotSatisfiable
		}
		if ours != status {
			t.Fatalf("Range %q on %d bytes: planned %d, net/http answers %d", header, size, ours, status)
		}
		if ours == 206 && len(plan.Ranges) == 1 {
			if want := plan.Ranges[0].ContentRange(size); contentRange != want {
				t.Fatalf("Range %q on %d bytes: planned %q, net/http %q", header, size, want, contentRange)
			}
		}
	})
}

// knownDifference names the documented class a header falls in where this server and
// net/http answer differently on purpose, or "" when they must agree.
func knownDifference(header string, size int64) string {
	set, ok := strings.CutPrefix(header, "bytes=")
	switch {
	case !ok:
		return "unit other than exactly bytes= (ignored here, 416 in net/http)"
	case header != strings.TrimSpace(header):
		return "surrounding white space (trimmed here, as net/textproto trims real headers)"
	case size == 0:
		return "empty representation (200 here)"
	case strings.ContainsAny(set, "+\r\n"):
		return "sign or CR/LF inside a range (accepted by net/http's strconv and trimming)"
	}
	specs := 0
	for spec := range strings.SplitSeq(set, ",") {
		spec = strings.Trim(spec, " \t")
		if spec == "" {
			continue
		}
		specs++
		first, last, _ := strings.Cut(spec, "-")
		switch {
		case strings.Contains(last, "-"):
			return "signed last position (accepted by net/http's strconv)"
		case first == "" && strings.Trim(last, "0") == "" && last != "":
			return "suffix of zero bytes"
		case first != strings.TrimRight(first, " \t") || last != strings.TrimLeft(last, " \t"):
			return "spaces around '-' (trimmed by net/http)"
		case len(first) > 18 || len(last) > 18:
			return "position past MaxInt64 (saturated here, invalid in net/http)"
		case first != "" && allDigits(first) && atoi(first) >= size && last != "" && (!allDigits(last) || atoi(last) < atoi(first)):
			return "invalid last position of a range past the end (416 here, skipped unchecked by net/http)"
		}
	}
	switch {
	case specs == 0:
		return "no range in the set (416 here, 200 in net/http)"
	case specs > maxRanges:
		return "more than 16 ranges (ignored here)"
	}
	return ""
}

func allDigits(s string) bool { return strings.Trim(s, "0123456789") == "" }

func atoi(s string) int64 { n, _ := strconv.ParseInt(s, 10, 64); return n }

// serveContent answers a GET with the Range header through net/http's ServeContent on
// size zero bytes, and returns the status and the Content-Range.
func serveContent(header string, size int64) (int, string) {
	req := httptest.NewRequest(http.MethodGet, "/v", nil)
	req.Header.Set("Range", header)
	w := &headerRecorder{header: http.Header{}}
	http.ServeContent(w, req, "", time.Time{}, bytes.NewReader(zeros[:size]))
	return w.status, w.header.Get("Content-Range")
}

// headerRecorder keeps the status and headers of a response and discards its body, so
// serving megabytes costs no copy.
type headerRecorder struct {
	header http.Header
	status int
}

func (w *headerRecorder) Header() http.Header { return w.header }

func (w *headerRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return len(b), nil
}

func (w *headerRecorder) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

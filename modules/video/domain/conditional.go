package domain

import (
	"strings"
	"time"
)

// Representation describes the stored bytes a stream request is evaluated against.
type Representation struct {
	Size         int64
	ETag         string    // strong, quoted; "" when unknown
	LastModified time.Time // zero when unknown
}

// ContentPlan is what a stream request for stored bytes gets: Status 200 with the whole
// representation, 206 with Ranges, 304 Not Modified or 412 Precondition Failed.
type ContentPlan struct {
	Status int
	Ranges []ByteRange
}

// PlanContent evaluates a request's preconditions (RFC 9110 §13.2.2, in the order
// net/http's ServeContent uses) and its Range header against rep:
//
//   - If-Match, or without it If-Unmodified-Since, that fails → 412;
//   - If-None-Match that matches (weakly), or without it If-Modified-Since not older
//     than the representation → 304;
//   - If-Range that names another ETag or date → the Range is ignored (200);
//   - a HEAD never applies a range; a range unit other than bytes, or more than 16
//     ranges, is ignored (200); ranges adding up to more than the representation are
//     ignored (200);
//   - a syntactically invalid range set, or one none of whose ranges overlaps the
//     representation (bytes=-0, past the end), fails with a *RangeNotSatisfiableError,
//     except on an empty representation, which answers 200.
func PlanContent(req StreamRequest, rep Representation) (ContentPlan, error) {
	cond := ifMatch(req.IfMatch, rep.ETag)
	if cond == condNone {
		cond = ifUnmodifiedSince(req.IfUnmodifiedSince, rep.LastModified)
	}
	if cond == condFalse {
		return ContentPlan{Status: 412}, nil
	}
	switch ifNoneMatch(req.IfNoneMatch, rep.ETag) {
	case condFalse:
		return ContentPlan{Status: 304}, nil
	case condNone:
		if ifModifiedSince(req.IfModifiedSince, rep.LastModified) == condFalse {
			return ContentPlan{Status: 304}, nil
		}
	}
	if req.Head || req.Range == "" || ifRange(req.IfRange, rep) == condFalse {
		return ContentPlan{Status: 200}, nil
	}
	switch action, ranges := planRange(req.Range, rep.Size); action {
	case rangeServe:
		var sum int64
		for _, r := range ranges {
			sum += r.Length()
		}
		if sum > rep.Size {
			return ContentPlan{Status: 200}, nil
		}
		return ContentPlan{Status: 206, Ranges: ranges}, nil
	case rangeUnsatisfiable:
		if rep.Size == 0 {
			return ContentPlan{Status: 200}, nil
		}
		return ContentPlan{}, &RangeNotSatisfiableError{Size: rep.Size}
	}
	return ContentPlan{Status: 200}, nil
}

// condResult is the outcome of one precondition: absent, true or false.
type condResult int

const (
	condNone condResult = iota
	condTrue
	condFalse
)

func ifMatch(header, etag string) condResult {
	if header == "" {
		return condNone
	}
	for tag := range etagList(header) {
		if tag == "*" || strongMatch(tag, etag) {
			return condTrue
		}
	}
	return condFalse
}

func ifNoneMatch(header, etag string) condResult {
	if header == "" {
		return condNone
	}
	for tag := range etagList(header) {
		if tag == "*" || weakMatch(tag, etag) {
			return condFalse
		}
	}
	return condTrue
}

func ifUnmodifiedSince(header string, modtime time.Time) condResult {
	return modifiedSince(header, modtime, condFalse, condTrue)
}

func ifModifiedSince(header string, modtime time.Time) condResult {
	return modifiedSince(header, modtime, condTrue, condFalse)
}

// modifiedSince answers modified when modtime, at the second precision of HTTP dates, is
// after the date in header, unmodified otherwise, and condNone when header holds no
// usable date.
func modifiedSince(header string, modtime time.Time, modified, unmodified condResult) condResult {
	t, ok := headerTime(header, modtime)
	if !ok {
		return condNone
	}
	if modtime.Truncate(time.Second).After(t) {
		return modified
	}
	return unmodified
}

// ifRange holds when the If-Range value is the representation's strong ETag or exactly
// its modification date.
func ifRange(header string, rep Representation) condResult {
	if header == "" {
		return condNone
	}
	if tag, _ := scanETag(header); tag != "" {
		if strongMatch(tag, rep.ETag) {
			return condTrue
		}
		return condFalse
	}
	if rep.LastModified.IsZero() {
		return condFalse
	}
	t, ok := ParseHTTPTime(header)
	if ok && t.Unix() == rep.LastModified.Unix() {
		return condTrue
	}
	return condFalse
}

// headerTime parses a date precondition; ok is false when it is absent or unusable,
// or when the representation has no modification time.
func headerTime(header string, modtime time.Time) (time.Time, bool) {
	if header == "" || modtime.IsZero() || modtime.Equal(time.Unix(0, 0)) {
		return time.Time{}, false
	}
	return ParseHTTPTime(header)
}

// httpTimeFormats are the date formats RFC 9110 §5.6.7 tells recipients to accept.
var httpTimeFormats = []string{"Mon, 02 Jan 2006 15:04:05 GMT", time.RFC850, time.ANSIC}

// HTTPTimeFormat formats a time the way Last-Modified carries it.
const HTTPTimeFormat = "Mon, 02 Jan 2006 15:04:05 GMT"

// ParseHTTPTime parses an HTTP date in any of the three accepted formats.
func ParseHTTPTime(s string) (time.Time, bool) {
	for _, layout := range httpTimeFormats {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// etagList yields the entity tags of a comma-separated list, and "*"; it stops at the
// first malformed element, as net/http does.
func etagList(list string) func(yield func(string) bool) {
	return func(yield func(string) bool) {
		for {
			list = strings.Trim(list, " \t\r\n")
			if list == "" {
				return
			}
			if list[0] == ',' {
				list = list[1:]
				continue
			}
			if list[0] == '*' {
				yield("*")
				return
			}
			tag, rest := scanETag(list)
			if tag == "" || !yield(tag) {
				return
			}
			list = rest
		}
	}
}

// scanETag returns the entity tag (W/"x" or "x") at the start of s and the rest of s,
// or "" when s does not start with one.
func scanETag(s string) (tag, rest string) {
	s = strings.Trim(s, " \t\r\n")
	start := 0
	if strings.HasPrefix(s, "W/") {
		start = 2
	}
	if len(s[start:]) < 2 || s[start] != '"' {
		return "", ""
	}
	for i := start + 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == 0x21 || c >= 0x23 && c <= 0x7e || c >= 0x80:
		case c == '"':
			return s[:i+1], s[i+1:]
		default:
			return "", ""
		}
	}
	return "", ""
}

func strongMatch(a, b string) bool { return a == b && a != "" && a[0] == '"' }

func weakMatch(a, b string) bool { return strings.TrimPrefix(a, "W/") == strings.TrimPrefix(b, "W/") }

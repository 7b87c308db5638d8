package domain

import (
	"math"
	"strconv"
	"strings"
)

// maxRanges caps the number of ranges honoured in one request. A longer range set is
// ignored (RFC 9110 §14.2 lets a server ignore a Range header), which answers the whole
// representation instead of building a multipart body out of many tiny parts.
const maxRanges = 16

// rangeAction tells how to treat a request's Range header.
type rangeAction int

const (
	rangeIgnore        rangeAction = iota // no Range, or one that must be ignored: 200
	rangeServe                            // serve the byte ranges: 206
	rangeUnsatisfiable                    // no range overlaps the representation: 416
)

// ByteRange is an inclusive range [First, Last] inside a representation.
type ByteRange struct{ First, Last int64 }

// Length is the number of bytes in the range.
func (r ByteRange) Length() int64 { return r.Last - r.First + 1 }

// ContentRange renders the range as a Content-Range value for a representation of size
// bytes, e.g. "bytes 0-99/1000".
func (r ByteRange) ContentRange(size int64) string {
	return "bytes " + strconv.FormatInt(r.First, 10) + "-" + strconv.FormatInt(r.Last, 10) + "/" + strconv.FormatInt(size, 10)
}

// planRange parses a Range header per RFC 9110 §14.1–14.2 for a representation of size
// bytes. It returns what to do and, for rangeServe, the satisfiable ranges with their
// ends clamped to the representation. A header without a range unit, or with a unit other
// than "bytes" (compared case-insensitively), is ignored; a syntactically invalid byte
// range set is refused as unsatisfiable.
func planRange(header string, size int64) (rangeAction, []ByteRange) {
	header = strings.TrimSpace(header)
	if header == "" {
		return rangeIgnore, nil
	}
	unit, set, ok := strings.Cut(header, "=")
	if !ok || !strings.EqualFold(strings.TrimSpace(unit), "bytes") {
		return rangeIgnore, nil
	}
	var out []ByteRange
	specs := 0
	for spec := range strings.SplitSeq(set, ",") {
		spec = strings.Trim(spec, " \t")
		if spec == "" {
			continue
		}
		specs++
		if specs > maxRanges {
			return rangeIgnore, nil
		}
		r, valid, satisfiable := parseSpec(spec, size)
		if !valid {
			return rangeUnsatisfiable, nil
		}
		if satisfiable {
			out = append(out, r)
		}
	}
	if specs == 0 || len(out) == 0 {
		return rangeUnsatisfiable, nil
	}
	return rangeServe, out
}

// parseSpec parses one int-range ("first-last", "first-") or suffix-range ("-length").
func parseSpec(spec string, size int64) (r ByteRange, valid, satisfiable bool) {
	first, last, ok := strings.Cut(spec, "-")
	if !ok {
		return r, false, false
	}
	if first == "" {
		n, ok := parseDigits(last)
		if !ok {
			return r, false, false
		}
		if n == 0 || size == 0 {
			return r, true, false
		}
		n = min(n, size)
		return ByteRange{size - n, size - 1}, true, true
	}
	f, ok := parseDigits(first)
	if !ok {
		return r, false, false
	}
	l := int64(math.MaxInt64)
	if last != "" {
		if l, ok = parseDigits(last); !ok || l < f {
			return r, false, false
		}
	}
	if f >= size {
		return r, true, false
	}
	return ByteRange{f, min(l, size-1)}, true, true
}

// parseDigits parses a non-empty run of ASCII digits, saturating at MaxInt64 instead of
// failing, so an absurdly large position is merely unsatisfiable rather than invalid.
func parseDigits(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return math.MaxInt64, true
	}
	return n, true
}

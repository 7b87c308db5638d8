package domain

import "sort"

// Span is a stretch of a file's bytes, [Start, End).
type Span struct {
	Start, End int64
}

// Spans is a set of bytes of one file as sorted, disjoint spans with gaps between them.
type Spans []Span

// Add returns the set with [start, end) added; neighbouring and overlapping spans merge.
// An empty span changes nothing.
func (s Spans) Add(start, end int64) Spans {
	if start >= end {
		return s
	}
	// The common case: a player reading on from where it was.
	if n := len(s); n == 0 || s[n-1].End < start {
		return append(s, Span{start, end})
	}
	// i: the first span that ends at or after start (touching counts).
	i := sort.Search(len(s), func(k int) bool { return s[k].End >= start })
	// j: the first span that starts after end.
	j := i
	for j < len(s) && s[j].Start <= end {
		j++
	}
	if i == j {
		s = append(s, Span{})
		copy(s[i+1:], s[i:])
		s[i] = Span{start, end}
		return s
	}
	merged := Span{min(start, s[i].Start), max(end, s[j-1].End)}
	s[i] = merged
	return append(s[:i+1], s[j:]...)
}

// Covers reports whether the set holds every byte of [start, end).
func (s Spans) Covers(start, end int64) bool {
	if start >= end {
		return true
	}
	i := sort.Search(len(s), func(k int) bool { return s[k].End > start })
	return i < len(s) && s[i].Start <= start && s[i].End >= end
}

// Bytes is how many bytes the set holds.
func (s Spans) Bytes() int64 {
	var n int64
	for _, sp := range s {
		n += sp.End - sp.Start
	}
	return n
}

package domain

import (
	"math"
	"slices"
	"sort"
)

// SecondsIn is how many whole seconds a video of this duration is counted in: the
// duration rounded to the nearest second, at least 1. A last part of a second shorter
// than half a second belongs to the second before it, so every counted second holds at
// least half a second of media.
func SecondsIn(duration float64) int {
	if !(duration > 0) || math.IsInf(duration, 0) {
		return 1
	}
	return max(1, int(math.Round(min(duration, MaxSeconds))))
}

// MaxSeconds bounds the seconds counted of one video (a 24-hour video; its set takes
// 10.8 KB).
const MaxSeconds = 24 * 3600

// secondAt is the counted second that media time t (seconds) falls in.
func secondAt(t float64, n int) int {
	if !(t > 0) {
		return 0
	}
	return min(int(t), n-1)
}

// Index maps the bytes of an MP4 (or QuickTime) file to the seconds of media time of one
// of its tracks: for each second, the extent of the file that holds its samples, from
// the first byte of the first to the last byte of the last (other tracks' samples
// interleaved with them included). Bytes outside every extent (the moov index at either
// end of the file, padding) map to no time at all. It takes 20 bytes per second of media.
type Index struct {
	extents []Span  // by second; empty for a second without samples
	order   []int32 // the seconds with samples, by the start of their extent
}

// IndexBuilder builds an Index from a track's samples.
type IndexBuilder struct {
	x Index
}

// NewIndexBuilder starts the index of a track that lasts duration seconds.
func NewIndexBuilder(duration float64) *IndexBuilder {
	return &IndexBuilder{x: Index{extents: make([]Span, SecondsIn(duration))}}
}

// Add records a sample of size bytes at offset that plays at t seconds.
func (b *IndexBuilder) Add(offset, size int64, t float64) {
	if size <= 0 || offset < 0 {
		return
	}
	e := &b.x.extents[secondAt(t, len(b.x.extents))]
	if e.Start == e.End {
		*e = Span{offset, offset + size}
		return
	}
	e.Start, e.End = min(e.Start, offset), max(e.End, offset+size)
}

// Index returns the built index; ok is false when no sample was added.
func (b *IndexBuilder) Index() (x Index, ok bool) {
	x = b.x
	for s, e := range x.extents {
		if e.Start < e.End {
			x.order = append(x.order, int32(s))
		}
	}
	if len(x.order) == 0 {
		return Index{}, false
	}
	slices.SortStableFunc(x.order, func(p, q int32) int {
		a, b := x.extents[p].Start, x.extents[q].Start
		switch {
		case a < b:
			return -1
		case a > b:
			return 1
		}
		return 0
	})
	x.order = slices.Clip(x.order)
	return x, true
}

// Seconds is how many seconds the indexed track is counted in (see SecondsIn).
func (x *Index) Seconds() int { return len(x.extents) }

// Extent is the span of the file that holds the samples of second s; empty when none do.
func (x *Index) Extent(s int) Span { return x.extents[s] }

// Watched adds to out the seconds the spans deliver: a second counts when its whole
// extent lies in the spans. Part of a second counts for nothing, and so do bytes that
// hold no sample of the track (the index at either end of the file, say): a player that
// fetches only the index has watched nothing.
func (x *Index) Watched(spans Spans, out *Seconds) {
	for _, sp := range spans {
		// Spans are merged, so an extent they cover lies inside one of them.
		i := sort.Search(len(x.order), func(k int) bool { return x.extents[x.order[k]].Start >= sp.Start })
		for ; i < len(x.order); i++ {
			e := x.extents[x.order[i]]
			if e.Start >= sp.End {
				break
			}
			if e.End <= sp.End {
				out.Set(int(x.order[i]))
			}
		}
	}
}

package service

import (
	"testing"

	"vms/modules/analytics/domain"
)

func TestTrackerBounds(t *testing.T) {
	tr := newTracker()
	for i := range maxSpans + 88 {
		tr.record(domain.Served{Kind: domain.ServedOriginal, UserID: 1, VideoID: 2, Size: 1 << 30,
			Spans: []domain.Span{{Start: int64(10 * i), End: int64(10*i + 5)}}})
	}
	if d := tr.dropped.Load(); d != 88 {
		t.Fatalf("dropped %d ranges, want 88", d)
	}
	// At the bound a range inside what is held still goes in; any other is dropped, even
	// one that would merge spans.
	tr.record(domain.Served{Kind: domain.ServedOriginal, UserID: 1, VideoID: 2, Spans: []domain.Span{{Start: 0, End: 3}}})
	tr.record(domain.Served{Kind: domain.ServedOriginal, UserID: 1, VideoID: 2, Spans: []domain.Span{{Start: 0, End: 20}}})
	if d := tr.dropped.Load(); d != 89 {
		t.Fatalf("dropped %d ranges, want 89", d)
	}
	snaps := tr.take(5, 0)
	if len(snaps) != 1 || len(snaps[0].original) != maxSpans || snaps[0].lastSeen != 5 || snaps[0].firstSeen != 5 {
		t.Fatalf("%d snapshots, %d spans", len(snaps), len(snaps[0].original))
	}
	// A segment served in parts is held as spans until it is whole, then as one number.
	seg := func(first, end int64) domain.Served {
		return domain.Served{Kind: domain.ServedSegment, UserID: 1, VideoID: 3, Path: "360p/seg_00004.m4s", Size: 100,
			Spans: []domain.Span{{Start: first, End: end}}}
	}
	tr.record(seg(0, 40))
	tr.record(seg(60, 100))
	p := tr.shard(watchKey{1, 3}).m[watchKey{1, 3}]
	if p.spans != 2 || p.renditions["360p"].whole.Has(4) {
		t.Fatalf("spans %d, whole %v", p.spans, p.renditions["360p"].whole)
	}
	tr.record(seg(40, 60))
	if p.spans != 0 || !p.renditions["360p"].whole.Has(4) || len(p.renditions["360p"].partial) != 0 {
		t.Fatalf("spans %d, whole %v", p.spans, p.renditions["360p"].whole)
	}
}

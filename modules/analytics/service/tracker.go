package service

import (
	"strings"
	"sync"
	"sync/atomic"

	"vms/modules/analytics/domain"
)

// The tracker's bounds. A pair holds a few spans and bits (one span for a player that
// reads on, one more per seek); at the bounds one takes about 4 KiB, so 100 000 of them
// stay under half a gigabyte even in the worst case.
const (
	// maxWatches bounds the (user, video) pairs held in memory; deliveries of new pairs
	// beyond it are dropped (counted) until a flush lets idle ones go.
	maxWatches = 100_000
	// maxSpans bounds the separate byte spans kept per pair; a range that would add one
	// more is dropped (counted): a client seeking around more than this in one sitting.
	maxSpans   = 512
	shardCount = 64
)

type watchKey struct{ user, video int64 }

// pending is what one user was served of one video since this replica first saw them
// (or since they were last idle): the bytes of the original, and per HLS rendition the
// segments served whole and the spans of those served in part.
type pending struct {
	original   domain.Spans
	renditions map[string]*hlsServed
	spans      int
	// firstSeen and lastSeen are the times (Unix nanoseconds) of the flushes that took
	// the pair's first and latest responses: reading the clock on every response would
	// cost more than the rest of record.
	firstSeen int64
	lastSeen  int64
	dirty     bool // served since the last flush took it
}

type hlsServed struct {
	whole   domain.Seconds // a set of segment numbers
	partial map[int]*partSegment
}

type partSegment struct {
	size  int64
	spans domain.Spans
}

type shard struct {
	mu sync.Mutex
	m  map[watchKey]*pending
	_  [40]byte // one shard per cache line
}

// tracker accumulates what each user was served in memory, sharded by (user, video) so
// concurrent responses rarely meet on a lock: a response costs a map lookup and an
// append or a bit under one shard's lock.
type tracker struct {
	shards  [shardCount]shard
	watches atomic.Int64
	dropped atomic.Int64
}

func newTracker() *tracker {
	t := &tracker{}
	for i := range t.shards {
		t.shards[i].m = map[watchKey]*pending{}
	}
	return t
}

func (t *tracker) shard(k watchKey) *shard {
	// Multiplying by large odd constants (wrapping) spreads sequential ids over the shards.
	h := k.user*-0x61C8864680B583EB ^ k.video*-0x3D4D51C2D82B14B1
	return &t.shards[(h>>32)&(shardCount-1)]
}

// record adds one response's spans.
func (t *tracker) record(d domain.Served) {
	var rendition string
	var number int
	if d.Kind == domain.ServedSegment {
		r, name, ok := strings.Cut(d.Path, "/")
		n, okn := domain.SegmentNumber(name)
		if !ok || !okn || r == "" || n > domain.MaxSegments {
			return
		}
		rendition, number = r, n
	}
	k := watchKey{d.UserID, d.VideoID}
	sh := t.shard(k)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	p := sh.m[k]
	if p == nil {
		if t.watches.Load() >= maxWatches {
			t.dropped.Add(1)
			return
		}
		p = &pending{}
		sh.m[k] = p
		t.watches.Add(1)
	}
	p.dirty = true
	if d.Kind == domain.ServedOriginal {
		p.original = t.add(p, p.original, d.Spans)
		return
	}
	if p.renditions == nil {
		p.renditions = map[string]*hlsServed{}
	}
	h := p.renditions[rendition]
	if h == nil {
		h = &hlsServed{}
		p.renditions[strings.Clone(rendition)] = h
	}
	if h.whole.Has(number) {
		return
	}
	if len(d.Spans) == 1 && d.Spans[0].Start == 0 && d.Spans[0].End >= d.Size {
		h.whole.Set(number)
		return
	}
	if h.partial == nil {
		h.partial = map[int]*partSegment{}
	}
	ps := h.partial[number]
	if ps == nil {
		ps = &partSegment{size: d.Size}
		h.partial[number] = ps
	}
	ps.spans = t.add(p, ps.spans, d.Spans)
	if ps.spans.Covers(0, ps.size) {
		p.spans -= len(ps.spans)
		delete(h.partial, number)
		h.whole.Set(number)
	}
}

// add merges spans into set, keeping the pair within maxSpans.
func (t *tracker) add(p *pending, set domain.Spans, spans []domain.Span) domain.Spans {
	for _, sp := range spans {
		before := len(set)
		if p.spans >= maxSpans && !set.Covers(sp.Start, sp.End) {
			t.dropped.Add(1)
			continue
		}
		set = set.Add(sp.Start, sp.End)
		p.spans += len(set) - before
	}
	return set
}

// snapshot is a copy of one pending pair, taken for a flush: the original's spans, and
// per rendition the numbers of the segments served whole.
type snapshot struct {
	key        watchKey
	original   domain.Spans
	renditions map[string]domain.Seconds
	firstSeen  int64
	lastSeen   int64
}

// take copies the pairs served since the last take, marking them seen now, and forgets
// those last seen before idleBefore (Unix nanoseconds) that have nothing left to flush.
func (t *tracker) take(now, idleBefore int64) []snapshot {
	var out []snapshot
	for i := range t.shards {
		sh := &t.shards[i]
		sh.mu.Lock()
		for k, p := range sh.m {
			if !p.dirty {
				if p.lastSeen < idleBefore {
					delete(sh.m, k)
					t.watches.Add(-1)
				}
				continue
			}
			p.dirty, p.lastSeen = false, now
			if p.firstSeen == 0 {
				p.firstSeen = now
			}
			out = append(out, p.copy(k))
		}
		sh.mu.Unlock()
	}
	return out
}

func (p *pending) copy(k watchKey) snapshot {
	s := snapshot{key: k, original: append(domain.Spans(nil), p.original...), firstSeen: p.firstSeen, lastSeen: p.lastSeen}
	if len(p.renditions) > 0 {
		s.renditions = make(map[string]domain.Seconds, len(p.renditions))
		for name, h := range p.renditions {
			s.renditions[name] = append(domain.Seconds(nil), h.whole...)
		}
	}
	return s
}

// retry marks pairs whose flush failed as still to flush.
func (t *tracker) retry(keys []watchKey) {
	for _, k := range keys {
		sh := t.shard(k)
		sh.mu.Lock()
		if p := sh.m[k]; p != nil {
			p.dirty = true
		}
		sh.mu.Unlock()
	}
}

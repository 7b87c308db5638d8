package service

import (
	"testing"
	"time"

	"vms/modules/video/domain"
	"vms/platform/clock"
)

func TestLiveCacheExpiresAndDrops(t *testing.T) {
	clock := clock.NewFake(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	c := NewLiveCache(clock, DefaultLiveTTL, 3)
	for id := int64(1); id <= 3; id++ {
		c.put(domain.Video{ID: id, CorporationID: id % 2})
	}
	c.Drop(3)
	if _, ok := c.get(3); ok {
		t.Fatal("dropped video still cached")
	}
	c.DropCorporation(1)
	if _, ok := c.get(1); ok {
		t.Fatal("video of a dropped corporation still cached")
	}
	if _, ok := c.get(2); !ok {
		t.Fatal("video of another corporation dropped")
	}
	clock.Advance(DefaultLiveTTL)
	if _, ok := c.get(2); ok {
		t.Fatal("video cached past the TTL")
	}
}

func TestLiveCacheBoundedAndDisabled(t *testing.T) {
	clock := clock.NewFake(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	c := NewLiveCache(clock, time.Second, 2)
	for id := int64(1); id <= 5; id++ {
		c.put(domain.Video{ID: id})
	}
	if n := c.videos.Len(); n != 2 {
		t.Fatalf("%d videos held, bound 2", n)
	}
	off := NewLiveCache(clock, 0, 2)
	off.put(domain.Video{ID: 1})
	if _, ok := off.get(1); ok {
		t.Fatal("a zero TTL must disable the cache")
	}
	off.Drop(1)
	off.DropCorporation(1)
}

func TestSeenViewsBounded(t *testing.T) {
	s := newSeenViews(2)
	s.add(1, 1)
	s.add(1, 2)
	s.has(1, 1)
	s.add(2, 1)
	if !s.has(1, 1) || !s.has(2, 1) || s.has(1, 2) {
		t.Fatal("the least recently used pair should have gone")
	}
}

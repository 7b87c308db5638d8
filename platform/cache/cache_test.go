package cache_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"vms/platform/cache"
	"vms/platform/clock"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func TestExpiresExactlyAtTTL(t *testing.T) {
	clock := clock.NewFake(t0)
	c := cache.New[string, int](10, time.Second, clock)
	c.Add("a", 1)
	clock.Advance(time.Second - time.Nanosecond)
	if v, ok := c.Get("a"); !ok || v != 1 {
		t.Fatalf("just before expiry: %v %v, want 1 true", v, ok)
	}
	clock.Advance(time.Nanosecond)
	if _, ok := c.Get("a"); ok {
		t.Fatal("entry still valid at its expiry")
	}
	if c.Len() != 0 {
		t.Fatalf("expired entry kept: len %d", c.Len())
	}
}

func TestAddUntil(t *testing.T) {
	clock := clock.NewFake(t0)
	c := cache.New[string, int](10, 0, clock)
	c.AddUntil("a", 1, t0.Add(time.Minute))
	c.Add("forever", 2)
	clock.Advance(time.Minute - time.Nanosecond)
	if _, ok := c.Get("a"); !ok {
		t.Fatal("entry expired early")
	}
	clock.Advance(time.Nanosecond)
	if _, ok := c.Get("a"); ok {
		t.Fatal("entry valid at its expiry")
	}
	clock.Advance(1000 * time.Hour)
	if v, ok := c.Get("forever"); !ok || v != 2 {
		t.Fatal("with ttl 0 an added entry must never expire")
	}
}

func TestNoClockWhenNothingExpires(t *testing.T) {
	c := cache.New[int, struct{}](2, 0, nil)
	c.Add(1, struct{}{})
	if _, ok := c.Get(1); !ok {
		t.Fatal("miss")
	}
}

func TestEvictsLeastRecentlyUsedAtSize(t *testing.T) {
	c := cache.New[int, int](3, 0, nil)
	for i := 1; i <= 3; i++ {
		c.Add(i, i)
	}
	c.Get(1) // 2 is now the least recently used
	c.Add(4, 4)
	if c.Len() != 3 {
		t.Fatalf("len %d, want 3", c.Len())
	}
	if _, ok := c.Get(2); ok {
		t.Fatal("least recently used entry kept")
	}
	for _, k := range []int{1, 3, 4} {
		if _, ok := c.Get(k); !ok {
			t.Fatalf("entry %d evicted", k)
		}
	}
}

func TestAddReplacesAndRenews(t *testing.T) {
	clock := clock.NewFake(t0)
	c := cache.New[string, int](10, time.Second, clock)
	c.Add("a", 1)
	clock.Advance(900 * time.Millisecond)
	c.Add("a", 2)
	clock.Advance(900 * time.Millisecond)
	if v, ok := c.Get("a"); !ok || v != 2 {
		t.Fatalf("got %v %v, want 2 true", v, ok)
	}
}

func TestRemoveAndRemoveIf(t *testing.T) {
	c := cache.New[int, string](10, 0, nil)
	for i := 0; i < 6; i++ {
		c.Add(i, fmt.Sprint("corp", i%2))
	}
	c.Remove(0)
	c.Remove(42)
	if _, ok := c.Get(0); ok {
		t.Fatal("removed entry still there")
	}
	if n := c.RemoveIf(func(_ int, v string) bool { return v == "corp1" }); n != 3 {
		t.Fatalf("removed %d, want 3", n)
	}
	if c.Len() != 2 {
		t.Fatalf("len %d, want 2", c.Len())
	}
	for _, k := range []int{2, 4} {
		if _, ok := c.Get(k); !ok {
			t.Fatalf("entry %d wrongly removed", k)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	clock := clock.NewFake(t0)
	c := cache.New[int, int](64, time.Second, clock)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				k := (g*7 + i) % 100
				switch i % 5 {
				case 0:
					c.Remove(k)
				case 1:
					c.RemoveIf(func(k, _ int) bool { return k%10 == g })
				case 2:
					clock.Advance(time.Millisecond)
					c.AddUntil(k, i, clock.Now().Add(time.Millisecond))
				default:
					if _, ok := c.Get(k); !ok {
						c.Add(k, i)
					}
				}
			}
		}()
	}
	wg.Wait()
	if c.Len() > 64 {
		t.Fatalf("len %d over the bound", c.Len())
	}
}

func BenchmarkGetHit(b *testing.B) {
	c := cache.New[int64, int64](10_000, time.Second, clock.NewFake(t0))
	c.Add(1, 1)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.Get(1)
		}
	})
}

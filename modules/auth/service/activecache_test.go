package service_test

import (
	"sync"
	"testing"
	"time"

	"vms/modules/auth/ports"
	"vms/modules/auth/service"
	"vms/platform/clock"
)

func TestActiveCacheBoundedAndKeepsGoneMarks(t *testing.T) {
	clock := clock.NewFake(t0)
	c := service.NewActiveCache(clock, 2*time.Second, 10)
	c.Forget(1)
	for i := int64(2); i < 100; i++ {
		c.Put(i, ports.Identity{UserID: i, CorporationID: 1, Role: "guest"}, true)
	}
	if _, ok, found := c.Get(1); !found || ok {
		t.Fatal("a gone mark was evicted before live entries")
	}
	c.Put(1, ports.Identity{UserID: 1}, true)
	if _, ok, _ := c.Get(1); ok {
		t.Fatal("a stale live answer replaced a gone mark")
	}
	clock.Advance(2 * time.Second)
	if _, _, found := c.Get(1); found {
		t.Fatal("entry outlived its lifetime")
	}
}

func TestActiveCacheLiveAnswersBoundedAndExpire(t *testing.T) {
	clock := clock.NewFake(t0)
	c := service.NewActiveCache(clock, 2*time.Second, 3)
	for i := int64(1); i <= 4; i++ {
		c.Put(i, ports.Identity{UserID: i, CorporationID: 1}, true)
	}
	if _, _, found := c.Get(1); found {
		t.Fatal("the least recently used answer outlived the bound")
	}
	clock.Advance(2*time.Second - time.Nanosecond)
	if id, ok, found := c.Get(4); !found || !ok || id.UserID != 4 {
		t.Fatalf("live answer lost before its lifetime: %v %v %v", id, ok, found)
	}
	clock.Advance(time.Nanosecond)
	if _, _, found := c.Get(4); found {
		t.Fatal("live answer used at the end of its lifetime")
	}
}

func TestActiveCacheForgetCorporation(t *testing.T) {
	clock := clock.NewFake(t0)
	c := service.NewActiveCache(clock, 2*time.Second, 10)
	c.Put(1, ports.Identity{UserID: 1, CorporationID: 7}, true)
	c.Put(2, ports.Identity{UserID: 2, CorporationID: 8}, true)
	c.ForgetCorporation(7)
	if _, ok, found := c.Get(1); !found || ok {
		t.Fatal("a user of the deleted corporation is not marked gone")
	}
	if _, ok, _ := c.Get(2); !ok {
		t.Fatal("a user of another corporation was marked gone")
	}
	// An answer read before the deletion committed must not bring a user back.
	c.Put(3, ports.Identity{UserID: 3, CorporationID: 7}, true)
	if _, ok, found := c.Get(3); !found || ok {
		t.Fatal("a stale live answer for the deleted corporation was kept")
	}
	clock.Advance(2 * time.Second)
	c.Put(3, ports.Identity{UserID: 3, CorporationID: 7}, true)
	if _, ok, _ := c.Get(3); !ok {
		t.Fatal("the corporation mark outlived its lifetime")
	}
}

func TestActiveCacheConcurrentForget(t *testing.T) {
	c := service.NewActiveCache(clock.NewFake(t0), time.Hour, 100)
	var wg sync.WaitGroup
	for g := int64(0); g < 4; g++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := int64(0); i < 500; i++ {
				c.Put(i%50, ports.Identity{UserID: i % 50, CorporationID: g}, true)
				c.Get(i % 50)
			}
		}()
		go func() {
			defer wg.Done()
			for i := int64(0); i < 50; i++ {
				c.Forget(i)
				c.ForgetCorporation(g)
			}
		}()
	}
	wg.Wait()
	for i := int64(0); i < 50; i++ {
		if _, ok, found := c.Get(i); !found || ok {
			t.Fatalf("user %d lost its gone mark to a concurrent Put", i)
		}
	}
}

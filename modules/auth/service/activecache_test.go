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

// TestActiveCacheKeepsTheLatestPasswordChange pins how a password change recorded on this
// replica combines with the change time an account answer carries: the later one wins,
// and with none recorded the answer's own time stands.
func TestActiveCacheKeepsTheLatestPasswordChange(t *testing.T) {
	c := service.NewActiveCache(clock.NewFake(t0), 2*time.Second, 10)
	fromDB := t0.Add(-time.Hour)
	if got := c.Raise(7, ports.Identity{UserID: 7, PasswordChangedAt: fromDB}); !got.PasswordChangedAt.Equal(fromDB) {
		t.Fatalf("no change recorded here: change time %v, want the answer's %v", got.PasswordChangedAt, fromDB)
	}
	c.Put(7, ports.Identity{UserID: 7, PasswordChangedAt: fromDB}, true)
	if id, ok, found := c.Get(7); !found || !ok || !id.PasswordChangedAt.Equal(fromDB) {
		t.Fatalf("cached answer %+v ok=%v found=%v, want its change time kept", id, ok, found)
	}
	first, second := t0.Add(time.Minute), t0.Add(2*time.Minute)
	c.PasswordChanged(7, first)
	c.PasswordChanged(7, second)
	if got := c.Raise(7, ports.Identity{UserID: 7, PasswordChangedAt: fromDB}); !got.PasswordChangedAt.Equal(second) {
		t.Fatalf("after two changes: change time %v, want the later %v", got.PasswordChangedAt, second)
	}
	c.PasswordChanged(7, first) // an older change arriving late must not win
	if got := c.Raise(7, ports.Identity{UserID: 7}); !got.PasswordChangedAt.Equal(second) {
		t.Fatalf("after a late older change: change time %v, want %v", got.PasswordChangedAt, second)
	}
	later := t0.Add(time.Hour)
	if got := c.Raise(7, ports.Identity{UserID: 7, PasswordChangedAt: later}); !got.PasswordChangedAt.Equal(later) {
		t.Fatalf("an answer with a later change: %v, want %v", got.PasswordChangedAt, later)
	}
}

package service_test

import (
	"fmt"
	"testing"
	"time"

	"vms/modules/auth/service"
	"vms/platform/clock"
)

func TestLimiterWindow(t *testing.T) {
	clock := clock.NewFake(t0)
	l := service.NewLimiter(clock, 3, time.Minute, 10)
	for i := 0; i < 3; i++ {
		if ok, _ := l.Acquire("k"); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
		clock.Advance(10 * time.Second)
	}
	ok, wait := l.Acquire("k")
	if ok || wait != 30*time.Second {
		t.Fatalf("fourth attempt: ok=%v wait=%v, want refused for 30s", ok, wait)
	}
	l.Release("k")
	if ok, _ := l.Acquire("k"); !ok {
		t.Fatal("a released attempt still counts")
	}
	if ok, _ := l.Acquire("other"); !ok {
		t.Fatal("keys are independent")
	}
	clock.Advance(30 * time.Second)
	if ok, _ := l.Acquire("k"); !ok {
		t.Fatal("still refused after the window")
	}
}

func TestLimiterIsBounded(t *testing.T) {
	clock := clock.NewFake(t0)
	l := service.NewLimiter(clock, 1, time.Minute, 50)
	for i := 0; i < 1000; i++ {
		l.Acquire(fmt.Sprint("ip-", i))
	}
	if l.Len() > 50 {
		t.Fatalf("%d keys kept, limit 50", l.Len())
	}
	clock.Advance(time.Minute)
	l.Acquire("fresh")
	if l.Len() != 1 {
		t.Fatalf("expired keys not swept: %d left", l.Len())
	}
}

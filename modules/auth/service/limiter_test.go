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

// A slow attempt can outlive its window: a new window opens with a fresh count, and when
// both attempts succeed the second release must not push the count below zero, which
// would grant an extra failure.
func TestLimiterReleaseNeverGrantsExtraAttempts(t *testing.T) {
	clock := clock.NewFake(t0)
	l := service.NewLimiter(clock, 3, time.Minute, 10)
	l.Acquire("k") // a slow attempt, still checking the password
	clock.Advance(time.Minute)
	l.Acquire("k") // a fast attempt in the next window
	l.Release("k") // the fast attempt succeeds
	l.Release("k") // the slow one succeeds too
	l.Release("never-acquired")
	for i := 0; i < 3; i++ {
		if ok, _ := l.Acquire("k"); !ok {
			t.Fatalf("failure %d refused", i+1)
		}
	}
	if ok, _ := l.Acquire("k"); ok {
		t.Fatal("a fourth failure was accepted within the window: the count went below zero")
	}
}

// Under a flood of keys an attempt's key can be forgotten before its release comes.
func TestLimiterReleaseAfterKeyWasForgotten(t *testing.T) {
	clock := clock.NewFake(t0)
	l := service.NewLimiter(clock, 2, time.Minute, 1)
	l.Acquire("a")
	l.Acquire("b") // forgets "a" to stay within one key
	l.Release("a")
	if l.Len() != 1 {
		t.Fatalf("%d keys after releasing a forgotten one, want 1", l.Len())
	}
	if ok, _ := l.Acquire("b"); !ok {
		t.Fatal("second failure of b refused")
	}
	if ok, _ := l.Acquire("b"); ok {
		t.Fatal("releasing a forgotten key gave b an extra attempt")
	}
}

package service_test

import (
	"context"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"testing/quick"

	"vms/modules/analytics/domain"
)

// Random sequences of served ranges and segments, by several users, flushed at random
// moments, never store more seconds watched than the video has.
func TestRandomDeliveriesNeverExceedTheDuration(t *testing.T) {
	property := func(seed uint64, n uint8) bool {
		r := rand.New(rand.NewPCG(seed, 7))
		e := newEnv(t, false)
		for range int(n) {
			u := int64(1 + r.IntN(3))
			switch r.IntN(5) {
			case 0:
				e.svc.Served(segment(u, "360p/seg_0000"+strconv.Itoa(1+r.IntN(4))+".m4s", 1000, domain.Span{Start: 0, End: 1000}))
			case 1:
				_ = e.svc.Flush(context.Background())
			default:
				first := r.Int64N(fileSize)
				end := first + 1 + r.Int64N(fileSize-first)
				e.svc.Served(original(u, video, domain.Span{Start: first, End: end}))
			}
		}
		_ = e.svc.Flush(context.Background())
		for u := int64(1); u <= 3; u++ {
			if w, ok := e.repo.Watch(video, u); ok && (w.Watched() > 10 || w.Seconds.Last() >= 10 || w.Duration != 10) {
				t.Logf("seed %d user %d: %+v", seed, u, w)
				return false
			}
		}
		return true
	}
	if err := quick.Check(property, &quick.Config{MaxCount: 200}); err != nil {
		t.Fatal(err)
	}
}

// Responses from many goroutines while flushes run lose nothing and race on nothing.
func TestConcurrentDeliveries(t *testing.T) {
	e := newEnv(t, false)
	var wg sync.WaitGroup
	for u := int64(1); u <= 8; u++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range 10 {
				e.svc.Served(original(u, video, domain.Span{Start: int64(1000 + 100*s), End: int64(1100 + 100*s)}))
			}
		}()
	}
	for range 5 {
		_ = e.svc.Flush(context.Background())
	}
	wg.Wait()
	e.flush(t)
	for u := int64(1); u <= 8; u++ {
		if w, ok := e.repo.Watch(video, u); !ok || w.Watched() != 10 {
			t.Fatalf("user %d: %+v", u, w)
		}
	}
}

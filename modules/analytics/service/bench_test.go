package service_test

import (
	"math/rand/v2"
	"sync/atomic"
	"testing"

	"vms/modules/analytics/domain"
	"vms/modules/analytics/service"
	"vms/platform/clock"
)

// The cost a stream response pays for analytics: Served with one range, from parallel
// goroutines. One viewer asking for random 1 KiB ranges (deploy/bench/stream.sh: one
// shard's lock for everyone, and the span bound reached at once), and 10 000 viewers
// each reading on in 1 MiB ranges.
func BenchmarkServed(b *testing.B) {
	b.Run("one viewer random ranges", func(b *testing.B) {
		svc := service.New(service.Deps{Clock: clock.System{}}, service.Settings{})
		var seq atomic.Uint64
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			r := rand.New(rand.NewPCG(seq.Add(1), 1))
			spans := make([]domain.Span, 1)
			for pb.Next() {
				first := r.Int64N(1<<28) &^ 1023
				spans[0] = domain.Span{Start: first, End: first + 1024}
				svc.Served(domain.Served{Kind: domain.ServedOriginal, UserID: 1, VideoID: 7, Size: 1 << 28, Spans: spans})
			}
		})
	})
	b.Run("many viewers reading on", func(b *testing.B) {
		const users = 10_000
		svc := service.New(service.Deps{Clock: clock.System{}}, service.Settings{})
		positions := make([]atomic.Int64, users)
		var seq atomic.Uint64
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			r := rand.New(rand.NewPCG(seq.Add(1), 1))
			spans := make([]domain.Span, 1)
			for pb.Next() {
				u := r.IntN(users)
				first := positions[u].Add(1<<20) - 1<<20
				spans[0] = domain.Span{Start: first, End: first + 1<<20}
				svc.Served(domain.Served{Kind: domain.ServedOriginal, UserID: int64(u + 1), VideoID: 7, Size: 1 << 40, Spans: spans})
			}
		})
	})
}

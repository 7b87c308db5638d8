package service

import "sync/atomic"

type stats struct {
	flushed atomic.Int64
	failed  atomic.Int64
	written atomic.Int64
}

// Stats are the service's counters, for the metrics.
type Stats struct {
	// Pending counts the (user, video) pairs held in memory.
	Pending int64
	// Dropped counts responses (or ranges) not taken in because a bound was reached.
	Dropped int64
	// Flushes and FailedFlushes count the flushes that wrote everything and those that
	// left something for the next one.
	Flushes, FailedFlushes int64
	// Written counts the watches written.
	Written int64
}

// Stats returns the counters.
func (s *Service) Stats() Stats {
	return Stats{
		Pending: s.tracker.watches.Load(), Dropped: s.tracker.dropped.Load(),
		Flushes: s.stats.flushed.Load(), FailedFlushes: s.stats.failed.Load(), Written: s.stats.written.Load(),
	}
}

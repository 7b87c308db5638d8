package service

import (
	"context"
	"fmt"
)

// RelayBatch is the most deliveries one run of Relay enqueues.
const RelayBatch = 500

// Relay inserts the River jobs of up to RelayBatch deliveries that have none yet, oldest
// first, and marks them enqueued, in one unit of work: a delivery is enqueued once, even
// with relays racing on several replicas, and a failed run leaves its deliveries to the
// next. It returns how many it enqueued; RelayBatch means more may be waiting.
//
// Why a relay: a change's transaction (a first view's, above all) writes only its outbox
// rows. Inserting a River job there too cost about a fifth of the first-view throughput
// with a webhook subscribed: a job row carries six indexes, two of them GIN. The relay
// inserts the jobs of many changes in one statement instead, shortly after they commit
// (adapters/relay: woken after each commit that wrote deliveries, after a short delay that
// merges a burst into one batch, and a sweep every second for rows whose process died
// between the commit and the relay). Deliveries stay at least once with a stable event id;
// they start at most the merging delay later, one sweep interval after a crash.
func (s *Service) Relay(ctx context.Context) (int, error) {
	var n int
	err := s.UoW.Do(ctx, func(ctx context.Context) error {
		ids, err := s.Repo.ClaimDeliveries(ctx, RelayBatch, s.Clock.Now())
		if err != nil || len(ids) == 0 {
			return err
		}
		if err := s.Queue.Enqueue(ctx, ids); err != nil {
			return err
		}
		n = len(ids)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("webhook relay: %w", err)
	}
	return n, nil
}

package service

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"vms/modules/analytics/domain"
)

// idleAfter is how long a pair is kept in memory after it was last served. While it is
// kept, a second whose bytes came in two responses a flush apart still counts.
const idleAfter = 10 * time.Minute

// Flush writes what was served since the last flush as watches, in one transaction:
// each pair's spans mapped to seconds (building the maps it needs first, outside the
// transaction) and merged into the stored watch. Pairs whose map could not be read, and
// every pair when the transaction fails, are kept for the next flush. It returns the
// first error.
func (s *Service) Flush(ctx context.Context) error {
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	now := s.Clock.Now()
	taken := s.tracker.take(now.UnixNano(), now.Add(-idleAfter).UnixNano())
	if len(taken) == 0 {
		return nil
	}
	var firstErr error
	var retry []watchKey
	watches := make([]domain.Watch, 0, len(taken))
	failed := unreadable{}
	for _, snap := range taken {
		w, err := s.watch(ctx, snap, failed)
		if err != nil {
			firstErr = firstOf(firstErr, err)
			retry = append(retry, snap.key)
			continue
		}
		if w.Watched() > 0 {
			watches = append(watches, w)
		}
	}
	slices.SortFunc(watches, func(a, b domain.Watch) int {
		return cmp.Or(cmp.Compare(a.VideoID, b.VideoID), cmp.Compare(a.UserID, b.UserID))
	})
	if len(watches) > 0 {
		err := s.UoW.Do(ctx, func(ctx context.Context) error { return s.Repo.Merge(ctx, watches) })
		if err != nil {
			for _, w := range watches {
				retry = append(retry, watchKey{w.UserID, w.VideoID})
			}
			firstErr = firstOf(firstErr, fmt.Errorf("write watches: %w", err))
		} else {
			s.stats.written.Add(int64(len(watches)))
		}
	}
	s.tracker.retry(retry)
	if firstErr != nil {
		s.stats.failed.Add(1)
	} else {
		s.stats.flushed.Add(1)
	}
	return firstErr
}

func firstOf(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// unreadable remembers, for one flush, the maps that could not be read, so that each
// viewer of a video whose original the storage cannot serve right now does not try again.
type unreadable map[timelineKey]error

// try returns the map get reads, or the error it gave earlier in this flush. The key of
// an original is its video with no rendition.
func try[T any](failed unreadable, k timelineKey, get func() (T, error)) (T, error) {
	if err, ok := failed[k]; ok {
		var zero T
		return zero, err
	}
	v, err := get()
	if err != nil && !errors.Is(err, domain.ErrUnsupported) {
		failed[k] = err
	}
	return v, err
}

// watch maps one pair's spans to seconds. A file whose bytes cannot be mapped adds
// nothing; a map that could not be read is an error.
func (s *Service) watch(ctx context.Context, snap snapshot, failed unreadable) (domain.Watch, error) {
	w := domain.Watch{
		VideoID: snap.key.video, UserID: snap.key.user,
		FirstSeen: time.Unix(0, snap.firstSeen).UTC(), LastSeen: time.Unix(0, snap.lastSeen).UTC(),
	}
	if len(snap.original) > 0 {
		x, err := try(failed, timelineKey{video: w.VideoID}, func() (*domain.Index, error) { return s.maps.index(ctx, w.VideoID) })
		switch {
		case err == nil:
			x.Watched(snap.original, &w.Seconds)
			w.Duration = max(w.Duration, x.Seconds())
		case !errors.Is(err, domain.ErrUnsupported):
			return domain.Watch{}, err
		}
	}
	for rendition, h := range snap.renditions {
		t, err := try(failed, timelineKey{w.VideoID, rendition}, func() (domain.Timeline, error) {
			return s.maps.timeline(ctx, w.VideoID, rendition)
		})
		if errors.Is(err, domain.ErrUnsupported) {
			continue
		}
		if err != nil {
			return domain.Watch{}, err
		}
		w.Duration = max(w.Duration, t.Seconds())
		// Only whole segments count: one served in part holds no whole second for sure.
		for n := 0; n <= h.Last(); n++ {
			if h.Has(n) {
				t.Segment(n, &w.Seconds)
			}
		}
	}
	return w, nil
}

// Run flushes every FlushInterval until ctx ends. A failed flush is logged; what it
// could not write stays for the next one.
func (s *Service) Run(ctx context.Context) {
	tick := time.NewTicker(s.cfg.FlushInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			fctx, cancel := context.WithTimeout(ctx, max(s.cfg.FlushInterval, 30*time.Second))
			if err := s.Flush(fctx); err != nil {
				s.Log.Error("analytics flush failed", "err", err)
			}
			cancel()
		}
	}
}

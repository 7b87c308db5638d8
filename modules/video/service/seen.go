package service

import "sync"

// seenViews remembers (user, video) pairs whose view log is known to exist, so a player's
// many range requests for one viewing skip even the read of the view log. A view log is
// never removed, so a remembered pair can never become wrong, on this replica or another.
// The set is bounded: when it is full it starts over, which only costs a read per pair.
type seenViews struct {
	mu    sync.RWMutex
	pairs map[[2]int64]struct{}
	limit int
}

func newSeenViews(limit int) *seenViews {
	return &seenViews{pairs: make(map[[2]int64]struct{}), limit: limit}
}

func (s *seenViews) has(userID, videoID int64) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, ok := s.pairs[[2]int64{userID, videoID}]
	return ok
}

func (s *seenViews) add(userID, videoID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.pairs) >= s.limit {
		clear(s.pairs)
	}
	s.pairs[[2]int64{userID, videoID}] = struct{}{}
}

package service

import "vms/platform/cache"

// seenViews remembers (user, video) pairs whose view log is known to exist, so a player's
// many range requests for one viewing skip even the read of the view log. A view log is
// never removed, so a remembered pair can never become wrong, on this replica or another,
// and pairs never expire. When the set is full the least recently used pair goes, which
// only costs a read for that pair.
type seenViews struct {
	pairs *cache.Cache[[2]int64, struct{}]
}

func newSeenViews(limit int) *seenViews {
	return &seenViews{pairs: cache.New[[2]int64, struct{}](limit, 0, nil)}
}

func (s *seenViews) has(userID, videoID int64) bool {
	_, ok := s.pairs.Get([2]int64{userID, videoID})
	return ok
}

func (s *seenViews) add(userID, videoID int64) {
	s.pairs.Add([2]int64{userID, videoID}, struct{}{})
}

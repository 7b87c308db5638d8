package service

import (
	"context"
	"fmt"

	"vms/modules/video/domain"
	"vms/modules/video/videoevents"
	"vms/platform/principal"
)

// ViewVideo records the caller's view of the live video with this id, if the caller sees
// it (public, or of the caller's corporation).
func (s *Service) ViewVideo(ctx context.Context, caller principal.Principal, videoID int64) (domain.View, error) {
	v, err := s.liveVideo(ctx, viewer(caller), videoID)
	if err != nil {
		return domain.View{}, err
	}
	return s.RecordView(ctx, caller, v)
}

// RecordView writes the caller's first view log of v and publishes VideoViewed in the same
// unit of work, so the points handler credits the viewer exactly once. A repeat view is
// answered by a plain read outside any transaction: a player sends many range requests
// for one viewing and none of them should queue behind writers.
func (s *Service) RecordView(ctx context.Context, caller principal.Principal, v domain.Video) (domain.View, error) {
	log, ok, err := s.ViewLogs.Find(ctx, caller.UserID, v.ID)
	if err != nil {
		return domain.View{}, fmt.Errorf("find view log: %w", err)
	}
	if ok {
		s.seen.add(caller.UserID, v.ID)
		return domain.View{Log: log}, nil
	}
	var out domain.View
	err = s.UoW.Do(ctx, func(ctx context.Context) error {
		log, inserted, err := s.ViewLogs.Insert(ctx, caller.UserID, v.ID, s.Clock.Now())
		if err != nil {
			return err
		}
		out = domain.View{Log: log, Created: inserted}
		if !inserted {
			return nil
		}
		out.PointsAwarded = s.cfg.PointsPerView
		return s.Publisher.Publish(ctx, videoevents.VideoViewed{
			UserID: caller.UserID, VideoID: v.ID, CorporationID: v.CorporationID, ViewLogID: log.ID,
			UserCorporationID: caller.CorporationID, Points: s.cfg.PointsPerView, At: log.CreatedAt,
		})
	})
	if err != nil {
		return domain.View{}, fmt.Errorf("record view: %w", err)
	}
	s.seen.add(caller.UserID, v.ID)
	return out, nil
}

// recordStreamView records the caller's view for a stream request. Unlike RecordView it
// needs no view log back, so a pair already known to be viewed costs nothing at all.
func (s *Service) recordStreamView(ctx context.Context, caller principal.Principal, v domain.Video) error {
	if s.seen.has(caller.UserID, v.ID) {
		return nil
	}
	_, err := s.RecordView(ctx, caller, v)
	return err
}

// HasViewed tells whether a user has viewed a video. The user may ask about themself; an
// admin may ask about users of their own corporation; anyone else is refused. The video
// must be live and seen by the caller, else it is not found, so the answer never tells
// that another corporation's private video exists.
func (s *Service) HasViewed(ctx context.Context, caller principal.Principal, userID, videoID int64) (bool, error) {
	if caller.UserID != userID {
		if !caller.IsAdmin() {
			return false, domain.ErrViewLogForbidden
		}
		corp, ok, err := s.Users.CorporationOf(ctx, userID)
		if err != nil {
			return false, fmt.Errorf("view log: user: %w", err)
		}
		if !ok || corp != caller.CorporationID {
			return false, domain.ErrViewLogForbidden
		}
	}
	if _, err := s.liveVideo(ctx, viewer(caller), videoID); err != nil {
		return false, err
	}
	_, ok, err := s.ViewLogs.Find(ctx, userID, videoID)
	if err != nil {
		return false, fmt.Errorf("find view log: %w", err)
	}
	return ok, nil
}

package service

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"vms/modules/video/domain"
	"vms/modules/video/ports"
	"vms/modules/video/videoevents"
	"vms/platform/principal"
)

// Streamable returns the live video with this id when the caller may stream it. A
// playback-token caller may stream only the video its token names; any other is not found.
func (s *Service) Streamable(ctx context.Context, caller principal.Principal, id int64) (domain.Video, error) {
	if caller.PlaybackVideoID != 0 && caller.PlaybackVideoID != id {
		return domain.Video{}, domain.ErrNotFound
	}
	return s.liveVideo(ctx, id)
}

// liveVideo looks a live video up through the short-lived cache.
func (s *Service) liveVideo(ctx context.Context, id int64) (domain.Video, error) {
	if v, ok := s.Live.get(id); ok {
		return v, nil
	}
	v, err := s.Videos.GetLive(ctx, id)
	if err != nil {
		return domain.Video{}, err
	}
	s.Live.put(v)
	return v, nil
}

// OpenFile opens an uploaded video's bytes for reading with seeks.
func (s *Service) OpenFile(ctx context.Context, v domain.Video) (io.ReadSeekCloser, error) {
	f, err := s.Storage.Open(ctx, v.StorageKey)
	if err != nil {
		return nil, fmt.Errorf("open video %d: %w", v.ID, err)
	}
	return f, nil
}

// FetchSource requests a url video's bytes; errors are of kind bad_gateway.
func (s *Service) FetchSource(ctx context.Context, v domain.Video, method string, header http.Header) (*http.Response, error) {
	return s.Sources.Fetch(ctx, method, v.SourceURL, header)
}

// RedirectURL returns a presigned storage URL for an uploaded video when streams are
// redirected and the storage can presign; ok is false otherwise.
func (s *Service) RedirectURL(ctx context.Context, v domain.Video) (string, bool, error) {
	if !s.cfg.RedirectStreams || v.SourceKind != domain.SourceUpload {
		return "", false, nil
	}
	return s.Storage.PresignGet(ctx, v.StorageKey, s.cfg.PresignTTL)
}

// ViewVideo records the caller's view of the live video with this id.
func (s *Service) ViewVideo(ctx context.Context, caller principal.Principal, videoID int64) (ports.View, error) {
	v, err := s.liveVideo(ctx, videoID)
	if err != nil {
		return ports.View{}, err
	}
	return s.RecordView(ctx, caller, v)
}

// RecordView writes the caller's first view log of v and publishes VideoViewed in the same
// unit of work, so the points handler credits the viewer exactly once. A repeat view is
// answered by a plain read outside any transaction: a player sends many range requests
// for one viewing and none of them should queue behind writers.
func (s *Service) RecordView(ctx context.Context, caller principal.Principal, v domain.Video) (ports.View, error) {
	log, ok, err := s.ViewLogs.Find(ctx, caller.UserID, v.ID)
	if err != nil {
		return ports.View{}, fmt.Errorf("find view log: %w", err)
	}
	if ok {
		s.seen.add(caller.UserID, v.ID)
		return ports.View{Log: log}, nil
	}
	var out ports.View
	err = s.UoW.Do(ctx, func(ctx context.Context) error {
		log, inserted, err := s.ViewLogs.Insert(ctx, caller.UserID, v.ID, s.Clock.Now())
		if err != nil {
			return err
		}
		out = ports.View{Log: log, Created: inserted}
		if !inserted {
			return nil
		}
		out.PointsAwarded = s.cfg.PointsPerView
		return s.Publisher.Publish(ctx, videoevents.VideoViewed{
			UserID: caller.UserID, VideoID: v.ID, CorporationID: v.CorporationID, ViewLogID: log.ID,
		})
	})
	if err != nil {
		return ports.View{}, fmt.Errorf("record view: %w", err)
	}
	s.seen.add(caller.UserID, v.ID)
	return out, nil
}

// RecordStreamView records the caller's view for a stream request. Unlike RecordView it
// needs no view log back, so a pair already known to be viewed costs nothing at all.
func (s *Service) RecordStreamView(ctx context.Context, caller principal.Principal, v domain.Video) error {
	if s.seen.has(caller.UserID, v.ID) {
		return nil
	}
	_, err := s.RecordView(ctx, caller, v)
	return err
}

// HasViewed tells whether a user has viewed a video. The user may ask about themself; an
// admin may ask about users of their own corporation; anyone else is refused.
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
	_, ok, err := s.ViewLogs.Find(ctx, userID, videoID)
	if err != nil {
		return false, fmt.Errorf("find view log: %w", err)
	}
	return ok, nil
}

// Playback issues a short-lived URL that streams the live video without a header.
func (s *Service) Playback(ctx context.Context, caller principal.Principal, id int64) (ports.Playback, error) {
	if _, err := s.Videos.GetLive(ctx, id); err != nil {
		return ports.Playback{}, err
	}
	token, exp, err := s.Tokens.IssuePlayback(ctx, caller.UserID, caller.CorporationID, caller.Role, id)
	if err != nil {
		return ports.Playback{}, fmt.Errorf("issue playback token: %w", err)
	}
	return ports.Playback{
		URL:       "/v1/videos/stream/" + strconv.FormatInt(id, 10) + "?token=" + url.QueryEscape(token),
		ExpiresAt: exp,
	}, nil
}

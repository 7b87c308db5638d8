package service

import (
	"context"
	"fmt"

	"vms/modules/video/domain"
	"vms/platform/principal"
)

// withMedia fills in the media facts of one video.
func (s *Service) withMedia(ctx context.Context, v domain.Video) (domain.Video, error) {
	vs, err := s.withMediaAll(ctx, []domain.Video{v})
	if err != nil {
		return domain.Video{}, err
	}
	return vs[0], nil
}

// withMediaAll fills in the media facts of videos with one read.
func (s *Service) withMediaAll(ctx context.Context, vs []domain.Video) ([]domain.Video, error) {
	if len(vs) == 0 {
		return vs, nil
	}
	if s.Media == nil {
		for i := range vs {
			vs[i].Media = domain.Media{Status: domain.MediaReady}
		}
		return vs, nil
	}
	ids := make([]int64, len(vs))
	for i, v := range vs {
		ids[i] = v.ID
	}
	ms, err := s.Media.Of(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("read media: %w", err)
	}
	for i := range vs {
		m, ok := ms[vs[i].ID]
		if !ok {
			m = domain.Media{Status: domain.MediaReady}
		}
		vs[i].Media = m
	}
	return vs, nil
}

// Poster opens the poster of a live video the caller may see (the same rule as reading
// the video).
func (s *Service) Poster(ctx context.Context, caller principal.Principal, id int64) (domain.Poster, error) {
	v, err := s.Videos.GetLive(ctx, viewer(caller), id)
	if err != nil {
		return domain.Poster{}, err
	}
	if s.Media == nil {
		return domain.Poster{}, domain.ErrNoPoster
	}
	p, err := s.Media.Poster(ctx, v.ID)
	if err != nil {
		return domain.Poster{}, fmt.Errorf("open poster: %w", err)
	}
	return p, nil
}

// Process runs media processing of a live uploaded video again; admin of the owner.
// Videos registered from a source URL are not processed: handing their URL to the media
// tools would bypass the source fetcher's address checks.
func (s *Service) Process(ctx context.Context, caller principal.Principal, id int64) (domain.Video, error) {
	if !caller.IsAdmin() {
		return domain.Video{}, domain.ErrAdminOnly
	}
	v, err := s.Videos.GetOwned(ctx, caller.CorporationID, id, false)
	if err != nil {
		return domain.Video{}, err
	}
	if v.SourceKind != domain.SourceUpload {
		return domain.Video{}, domain.ErrSourceNotProcessed
	}
	if s.Media == nil {
		return domain.Video{}, domain.ErrProcessingOff
	}
	if err := s.Media.Reprocess(ctx, v.ID, v.StorageKey); err != nil {
		return domain.Video{}, fmt.Errorf("process video: %w", err)
	}
	s.HLSKeys.DropVideo(v.ID)
	return s.withMedia(ctx, v)
}

package service

import (
	"context"
	"fmt"
	"time"

	"vms/modules/video/domain"
	"vms/modules/video/ports"
	"vms/platform/principal"
)

// OpenStream decides the answer to a stream request for the video with this id, and
// records the caller's view before it returns any answer that carries the video:
//
//   - a video that is not live, or one a playback token does not name, is not found;
//   - with redirects on and a storage that presigns, a GET records the view and is sent
//     to a presigned URL;
//   - a stored upload is planned against its size, ETag and upload time (see
//     domain.PlanContent): 200 or 206 opens the bytes and, on a GET, records the view;
//     304 and 412 open nothing; an unsatisfiable range is a RangeNotSatisfiableError;
//   - a source URL is fetched with the range and validators passed on: 200 and 206
//     record the view on a GET, 304 and 416 are passed on, any other status is a
//     SourceStatusError (bad gateway).
//
// HEAD requests never record a view. When recording fails the opened bytes are closed
// and the error returned. The caller closes the returned stream.
func (s *Service) OpenStream(ctx context.Context, caller principal.Principal, id int64, req domain.StreamRequest) (domain.Stream, error) {
	v, err := s.streamable(ctx, caller, id)
	if err != nil {
		return domain.Stream{}, err
	}
	if v.SourceKind != domain.SourceUpload {
		return s.openSource(ctx, caller, v, req)
	}
	if !req.Head {
		redirect, ok, err := s.redirect(ctx, v)
		if err != nil {
			return domain.Stream{}, err
		}
		if ok {
			if err := s.recordStreamView(ctx, caller, v); err != nil {
				return domain.Stream{}, err
			}
			return redirect, nil
		}
	}
	return s.openContent(ctx, caller, v, req)
}

// openContent plans and opens a stored upload's bytes.
func (s *Service) openContent(ctx context.Context, caller principal.Principal, v domain.Video, req domain.StreamRequest) (domain.Stream, error) {
	// The bytes behind a storage key never change, so the upload time is their
	// modification time; renaming a video does not invalidate cached ranges.
	rep := domain.Representation{Size: v.SizeBytes, ETag: v.ETag(), LastModified: v.CreatedAt}
	plan, err := domain.PlanContent(req, rep)
	if err != nil {
		return domain.Stream{}, err
	}
	out := domain.Stream{
		Kind: domain.StreamContent, Status: plan.Status, Ranges: plan.Ranges,
		Size: rep.Size, ETag: rep.ETag, LastModified: rep.LastModified, ContentType: v.ContentType,
		Delivery: delivery(domain.DeliveredOriginal, caller, v, "", rep.Size),
	}
	if req.Head || (plan.Status != 200 && plan.Status != 206) {
		return out, nil
	}
	f, err := s.Storage.Open(ctx, v.StorageKey)
	if err != nil {
		return domain.Stream{}, fmt.Errorf("open video %d: %w", v.ID, err)
	}
	if err := s.recordStreamView(ctx, caller, v); err != nil {
		_ = f.Close()
		return domain.Stream{}, err
	}
	out.Content = f
	return out, nil
}

// openSource fetches a url video's bytes from its source.
func (s *Service) openSource(ctx context.Context, caller principal.Principal, v domain.Video, req domain.StreamRequest) (domain.Stream, error) {
	res, err := s.Sources.Fetch(ctx, v.SourceURL, domain.SourceRequest{
		Head: req.Head, Range: req.Range, IfRange: req.IfRange, IfNoneMatch: req.IfNoneMatch, IfModifiedSince: req.IfModifiedSince,
	})
	if err != nil {
		return domain.Stream{}, fmt.Errorf("fetch video %d: %w", v.ID, err)
	}
	out := domain.Stream{Kind: domain.StreamSource, Source: res, Delivery: delivery(domain.DeliveredSource, caller, v, "", 0)}
	switch res.Status {
	case 200, 206:
		if !req.Head {
			if err := s.recordStreamView(ctx, caller, v); err != nil {
				_ = out.Close()
				return domain.Stream{}, err
			}
		}
	case 304, 416:
	default:
		_ = out.Close()
		return domain.Stream{}, &domain.SourceStatusError{Status: res.Status}
	}
	return out, nil
}

// streamable returns the live video with this id when the caller may stream it: a public
// video, or one of the caller's corporation. A playback-token caller may stream only the
// video its token names; any other is not found.
func (s *Service) streamable(ctx context.Context, caller principal.Principal, id int64) (domain.Video, error) {
	if caller.PlaybackVideoID != 0 && caller.PlaybackVideoID != id {
		return domain.Video{}, domain.ErrNotFound
	}
	return s.liveVideo(ctx, viewer(caller), id)
}

// liveVideo looks a live video the viewer sees up through the short-lived cache. The
// cache holds videos whoever read them, so a hit is checked against the viewer too.
func (s *Service) liveVideo(ctx context.Context, w domain.Viewer, id int64) (domain.Video, error) {
	if v, ok := s.Live.get(id); ok {
		if !w.Sees(v) {
			return domain.Video{}, domain.ErrNotFound
		}
		return v, nil
	}
	v, err := s.Videos.GetLive(ctx, w, id)
	if err != nil {
		return domain.Video{}, err
	}
	s.Live.put(v)
	return v, nil
}

// redirect returns a redirect to a presigned storage URL for an uploaded video when
// streams are redirected and the storage can presign; ok is false otherwise. The URL
// serves the video's content type and lives as long as domain.PresignTTL says for the
// video's duration.
func (s *Service) redirect(ctx context.Context, v domain.Video) (domain.Stream, bool, error) {
	if !s.cfg.RedirectStreams {
		return domain.Stream{}, false, nil
	}
	// The duration media processing found; 0 (unknown) until it has.
	var duration time.Duration
	if s.Media != nil {
		ms, err := s.Media.Of(ctx, []int64{v.ID})
		if err != nil {
			return domain.Stream{}, false, fmt.Errorf("read media: %w", err)
		}
		duration = ms[v.ID].Duration()
	}
	url, ok, err := s.Storage.PresignGet(ctx, v.StorageKey, ports.PresignOptions{
		TTL: domain.PresignTTL(duration), ContentType: v.ContentType,
	})
	if err != nil || !ok {
		return domain.Stream{}, false, err
	}
	return domain.Stream{Kind: domain.StreamRedirect, RedirectURL: url, RedirectMaxAge: domain.RedirectMaxAge(duration)}, true, nil
}

// Playback issues a short-lived token that streams the live video without a header, for
// a video the caller may stream.
func (s *Service) Playback(ctx context.Context, caller principal.Principal, id int64) (domain.PlaybackToken, error) {
	if _, err := s.liveVideo(ctx, viewer(caller), id); err != nil {
		return domain.PlaybackToken{}, err
	}
	token, exp, err := s.Tokens.IssuePlayback(ctx, caller.UserID, caller.CorporationID, caller.Role, id)
	if err != nil {
		return domain.PlaybackToken{}, fmt.Errorf("issue playback token: %w", err)
	}
	out := domain.PlaybackToken{Token: token, ExpiresAt: exp}
	if s.Media != nil {
		ms, err := s.Media.Of(ctx, []int64{id})
		if err != nil {
			return domain.PlaybackToken{}, fmt.Errorf("read media: %w", err)
		}
		out.HLS = len(ms[id].Renditions) > 0
	}
	return out, nil
}

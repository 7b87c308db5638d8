package service

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/url"
	"time"

	"vms/modules/video/domain"
	"vms/platform/kind"
	"vms/platform/principal"
)

// Cache-Control of HLS answers: playlists are revalidated; segments and init sections
// never change under their URL (playlists name them with the version of the rendition
// set), so clients keep them.
const (
	playlistCacheControl = "private, no-cache"
	segmentCacheControl  = "private, max-age=31536000, immutable"
)

// OpenHLS decides the answer to a request for a file of a video's HLS renditions (path
// under the video's HLS root), with the stream's access rules: the caller may stream the
// video (a playback token only the video it names). Playlists are read and rewritten:
// each child URI gets the version of the rendition set (v) and, for a playback-token
// caller, a token of its own for the same user and video that lives for the video's
// duration plus a margin, so a viewing is not cut off when the playlist's token expires.
// The first media segment a caller fetches (not a playlist, not an init section) records
// the first view, as a stream does. Unknown paths are not found.
func (s *Service) OpenHLS(ctx context.Context, caller principal.Principal, id int64, path string, req domain.StreamRequest) (domain.Stream, error) {
	fileKind, err := domain.ParseHLSPath(path)
	if err != nil {
		return domain.Stream{}, err
	}
	v, err := s.streamable(ctx, caller, id)
	if err != nil {
		return domain.Stream{}, err
	}
	if v.SourceKind != domain.SourceUpload || s.Media == nil {
		return domain.Stream{}, domain.ErrNotFound
	}
	if fileKind == domain.HLSPlaylist {
		return s.openPlaylist(ctx, caller, v, path, req)
	}
	return s.openSegment(ctx, caller, v, path, fileKind, req)
}

func (s *Service) hlsKey(ctx context.Context, videoID int64, path string) (string, error) {
	if key, ok := s.HLSKeys.get(videoID, path); ok {
		return key, nil
	}
	key, err := s.Media.HLSFile(ctx, videoID, path)
	if err != nil {
		if kind.Of(err) == kind.NotFound {
			return "", domain.ErrNotFound
		}
		return "", fmt.Errorf("find HLS file: %w", err)
	}
	s.HLSKeys.put(videoID, path, key)
	return key, nil
}

// openHLSFile opens the file behind path. A cached key whose object has gone (the video
// was processed again) is dropped and looked up again.
func (s *Service) openHLSFile(ctx context.Context, videoID int64, path string) (string, io.ReadSeekCloser, error) {
	for attempt := 0; ; attempt++ {
		key, err := s.hlsKey(ctx, videoID, path)
		if err != nil {
			return "", nil, err
		}
		f, err := s.Storage.Open(ctx, key)
		if err == nil {
			return key, f, nil
		}
		if kind.Of(err) != kind.NotFound {
			return "", nil, fmt.Errorf("open HLS file: %w", err)
		}
		s.HLSKeys.drop(videoID, path)
		if attempt > 0 {
			return "", nil, domain.ErrNotFound
		}
	}
}

// openPlaylist reads a playlist and rewrites its child URIs for this caller.
func (s *Service) openPlaylist(ctx context.Context, caller principal.Principal, v domain.Video, path string, req domain.StreamRequest) (domain.Stream, error) {
	_, f, err := s.openHLSFile(ctx, v.ID, path)
	if err != nil {
		return domain.Stream{}, err
	}
	version, err := s.hlsKey(ctx, v.ID, "master.m3u8")
	if err != nil {
		_ = f.Close()
		return domain.Stream{}, err
	}
	body, err := io.ReadAll(io.LimitReader(f, domain.MaxPlaylistBytes+1))
	_ = f.Close()
	if err != nil {
		return domain.Stream{}, fmt.Errorf("read playlist: %w", err)
	}
	if len(body) > domain.MaxPlaylistBytes {
		return domain.Stream{}, fmt.Errorf("playlist of video %d is larger than %d bytes", v.ID, domain.MaxPlaylistBytes)
	}
	q := url.Values{"v": {versionTag(version)}}
	if caller.PlaybackVideoID != 0 {
		ttl, err := s.childTokenTTL(ctx, v.ID)
		if err != nil {
			return domain.Stream{}, err
		}
		token, _, err := s.Tokens.IssuePlaybackFor(ctx, caller.UserID, caller.CorporationID, caller.Role, v.ID, ttl)
		if err != nil {
			return domain.Stream{}, fmt.Errorf("issue HLS token: %w", err)
		}
		q.Set("token", token)
	}
	body = domain.RewritePlaylist(body, q)
	// A rewritten playlist differs per caller (its tokens): no validators.
	plan, err := domain.PlanContent(domain.StreamRequest{Head: req.Head, Range: req.Range}, domain.Representation{Size: int64(len(body))})
	if err != nil {
		return domain.Stream{}, err
	}
	out := domain.Stream{
		Kind: domain.StreamContent, Status: plan.Status, Ranges: plan.Ranges, Size: int64(len(body)),
		ContentType: "application/vnd.apple.mpegurl", CacheControl: playlistCacheControl,
		Delivery: delivery(domain.DeliveredHLSOther, caller, v, path, int64(len(body))),
	}
	if !req.Head {
		out.Content = nopCloser{bytes.NewReader(body)}
	}
	return out, nil
}

// childTokenTTL is how long the tokens of a playlist's child URIs live: the video's
// duration plus a margin, as for presigned URLs (domain.PresignTTL).
func (s *Service) childTokenTTL(ctx context.Context, videoID int64) (time.Duration, error) {
	ms, err := s.Media.Of(ctx, []int64{videoID})
	if err != nil {
		return 0, fmt.Errorf("read media: %w", err)
	}
	return domain.PresignTTL(ms[videoID].Duration()), nil
}

// openSegment plans and opens an init section or a media segment; a media segment that
// goes out records the view.
func (s *Service) openSegment(ctx context.Context, caller principal.Principal, v domain.Video, path string, fileKind domain.HLSFileKind, req domain.StreamRequest) (domain.Stream, error) {
	key, f, err := s.openHLSFile(ctx, v.ID, path)
	if err != nil {
		return domain.Stream{}, err
	}
	size, err := f.Seek(0, io.SeekEnd)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		_ = f.Close()
		return domain.Stream{}, fmt.Errorf("size of HLS file: %w", err)
	}
	// A storage key names bytes that never change: it is a strong validator.
	rep := domain.Representation{Size: size, ETag: `"` + key + `"`, LastModified: v.CreatedAt}
	plan, err := domain.PlanContent(req, rep)
	if err != nil {
		_ = f.Close()
		return domain.Stream{}, err
	}
	contentType := "video/iso.segment"
	if fileKind == domain.HLSInit {
		contentType = "video/mp4"
	}
	delivered := domain.DeliveredHLSOther
	if fileKind == domain.HLSSegment {
		delivered = domain.DeliveredHLSSegment
	}
	out := domain.Stream{
		Kind: domain.StreamContent, Status: plan.Status, Ranges: plan.Ranges, Size: size, ETag: rep.ETag,
		LastModified: rep.LastModified, ContentType: contentType, CacheControl: segmentCacheControl,
		Delivery: delivery(delivered, caller, v, path, size),
	}
	if req.Head || (plan.Status != 200 && plan.Status != 206) {
		_ = f.Close()
		return out, nil
	}
	if fileKind == domain.HLSSegment {
		if err := s.recordStreamView(ctx, caller, v); err != nil {
			_ = f.Close()
			return domain.Stream{}, err
		}
	}
	out.Content = f
	return out, nil
}

// versionTag names a rendition set in playlist URIs: a short form of its master
// playlist's storage key, which changes when the video is processed again.
func versionTag(masterKey string) string {
	tag := []byte{}
	for i := 0; i < len(masterKey) && len(tag) < 12; i++ {
		if c := masterKey[i]; (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') {
			tag = append(tag, c)
		}
	}
	return string(tag)
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

package wiring

import (
	"context"
	"fmt"
	"io"

	analyticsdomain "vms/modules/analytics/domain"
	analyticsservice "vms/modules/analytics/service"
	mediadomain "vms/modules/media/domain"
	mediaservice "vms/modules/media/service"
	videodomain "vms/modules/video/domain"
	videoports "vms/modules/video/ports"
	"vms/platform/kind"
)

// deliveries hands what each stream and HLS response wrote to every module that counts
// it, in turn, on the response's goroutine (each receiver only accumulates in memory).
type deliveries []videoports.Deliveries

func (ds deliveries) Delivered(ctx context.Context, d videodomain.Delivery) {
	for _, r := range ds {
		r.Delivered(ctx, d)
	}
}

// analyticsDeliveries hands the responses that carry media time (originals and HLS
// segments) to watch analytics, in its terms.
type analyticsDeliveries struct{ s *analyticsservice.Service }

func (a analyticsDeliveries) Delivered(_ context.Context, d videodomain.Delivery) {
	var k analyticsdomain.ServedKind
	switch d.Kind {
	case videodomain.DeliveredOriginal:
		k = analyticsdomain.ServedOriginal
	case videodomain.DeliveredHLSSegment:
		k = analyticsdomain.ServedSegment
	default:
		return
	}
	var buf [4]analyticsdomain.Span
	spans := buf[:0]
	for _, r := range d.Ranges {
		spans = append(spans, analyticsdomain.Span{Start: r.First, End: r.Last + 1})
	}
	a.s.Served(analyticsdomain.Served{Kind: k, UserID: d.UserID, VideoID: d.VideoID, Path: d.Path, Size: d.Size, Spans: spans})
}

// analyticsMedia lets watch analytics read a video's original (its key from the media
// module) and its HLS playlists from the video storage.
type analyticsMedia struct {
	media   *mediaservice.Service
	storage videoports.Storage
}

var errNoOriginal = kind.New(kind.NotFound, "the video has no stored original")

func (m analyticsMedia) Original(ctx context.Context, videoID int64) (io.ReadSeekCloser, error) {
	ms, err := m.media.Of(ctx, []int64{videoID})
	if err != nil {
		return nil, err
	}
	key := ms[videoID].OriginalKey
	if key == "" {
		return nil, errNoOriginal
	}
	return m.storage.Open(ctx, key)
}

func (m analyticsMedia) Playlist(ctx context.Context, videoID int64, rendition string) (string, error) {
	key, err := m.media.HLSFile(ctx, videoID, rendition+"/"+mediadomain.MediaPlaylistName)
	if err != nil {
		return "", err
	}
	f, err := m.storage.Open(ctx, key)
	if err != nil {
		return "", err
	}
	defer f.Close()
	body, err := io.ReadAll(io.LimitReader(f, videodomain.MaxPlaylistBytes+1))
	if err != nil {
		return "", err
	}
	if len(body) > videodomain.MaxPlaylistBytes {
		return "", fmt.Errorf("playlist %s of video %d is larger than %d bytes", rendition, videoID, videodomain.MaxPlaylistBytes)
	}
	return string(body), nil
}

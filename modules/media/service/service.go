// Package service holds the media module's use cases: tracking a stored original,
// processing it in the background, and reading the results.
package service

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"vms/modules/media/domain"
	"vms/modules/media/ports"
	"vms/platform/kind"
)

// Deps are the ports the use cases run against.
type Deps struct {
	Repo  ports.Repository
	Files ports.Files
	Tools ports.Tools // nil when processing is off
	Queue ports.Queue
	UoW   ports.UnitOfWork
	Log   *slog.Logger
}

// Service holds the media use cases.
type Service struct{ Deps }

// New builds the service.
func New(d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Service{Deps: d}
}

// Enabled reports whether this server processes media.
func (s *Service) Enabled() bool { return s.Tools != nil }

// Track starts the media facts of a newly stored original, inside the caller's unit of
// work: processing, with its job, when the tools are there; ready with empty facts when
// they are not.
func (s *Service) Track(ctx context.Context, videoID int64, originalKey string) error {
	if !s.Enabled() {
		return s.Repo.Begin(ctx, videoID, originalKey, domain.Ready)
	}
	return s.begin(ctx, videoID, originalKey)
}

// Reprocess runs the processing of a video's original again (after a failure, or for a
// video stored before processing existed).
func (s *Service) Reprocess(ctx context.Context, videoID int64, originalKey string) error {
	if !s.Enabled() {
		return domain.ErrUnavailable
	}
	return s.begin(ctx, videoID, originalKey)
}

func (s *Service) begin(ctx context.Context, videoID int64, originalKey string) error {
	return s.UoW.Do(ctx, func(ctx context.Context) error {
		if err := s.Repo.Begin(ctx, videoID, originalKey, domain.Processing); err != nil {
			return fmt.Errorf("begin media processing: %w", err)
		}
		return s.Queue.Enqueue(ctx, videoID)
	})
}

// Of returns the media of the given videos; a video without media facts is ready with
// empty fields.
func (s *Service) Of(ctx context.Context, videoIDs []int64) (map[int64]domain.Media, error) {
	found, err := s.Repo.GetMany(ctx, videoIDs)
	if err != nil {
		return nil, fmt.Errorf("read media: %w", err)
	}
	out := make(map[int64]domain.Media, len(videoIDs))
	for _, id := range videoIDs {
		if m, ok := found[id]; ok {
			out[id] = m
		} else {
			out[id] = domain.Unprocessed(id)
		}
	}
	return out, nil
}

// Poster opens the poster of a video; domain.ErrNotFound until there is one.
func (s *Service) Poster(ctx context.Context, videoID int64) (io.ReadSeekCloser, domain.Media, error) {
	m, ok, err := s.Repo.Get(ctx, videoID)
	if err != nil {
		return nil, domain.Media{}, fmt.Errorf("read media: %w", err)
	}
	if !ok {
		return nil, domain.Media{}, domain.ErrNotFound
	}
	if m.PosterKey == "" {
		return nil, domain.Media{}, domain.ErrNotFound
	}
	r, err := s.Files.Open(ctx, m.PosterKey)
	if err != nil {
		if kind.Of(err) == kind.NotFound {
			return nil, domain.Media{}, domain.ErrNotFound
		}
		return nil, domain.Media{}, fmt.Errorf("open poster: %w", err)
	}
	return r, m, nil
}

// Process probes a video's original, stores its poster and marks the media ready. A file
// the tools cannot read ends failed and is not retried (nil error); any other failure
// (storage, database) is returned so the job is retried.
func (s *Service) Process(ctx context.Context, videoID int64) error {
	m, ok, err := s.Repo.Get(ctx, videoID)
	if err != nil {
		return fmt.Errorf("read media: %w", err)
	}
	if !ok {
		return nil // not tracked: nothing to process
	}
	if !s.Enabled() {
		return nil
	}
	in := ports.Input{Open: func(ctx context.Context) (io.ReadSeekCloser, error) { return s.Files.Open(ctx, m.OriginalKey) }}
	probe, err := s.Tools.Probe(ctx, in)
	if err != nil {
		return s.failOrRetry(ctx, videoID, err)
	}
	var posterKey string
	if probe.HasVideo() {
		jpeg, err := s.Tools.Poster(ctx, in, domain.PosterOffset(probe.DurationSeconds), domain.PosterMaxWidth)
		if err != nil {
			return s.failOrRetry(ctx, videoID, err)
		}
		if posterKey, err = s.Files.Put(ctx, bytes.NewReader(jpeg), "image/jpeg"); err != nil {
			return fmt.Errorf("store poster: %w", err)
		}
	}
	next := domain.Media{
		VideoID: videoID, Status: domain.Ready, OriginalKey: m.OriginalKey,
		DurationSeconds: probe.DurationSeconds, Width: probe.Width, Height: probe.Height,
		VideoCodec: probe.VideoCodec, AudioCodec: probe.AudioCodec, Bitrate: probe.Bitrate,
		PosterKey: posterKey,
	}
	if err := s.Repo.Save(ctx, next); err != nil {
		if posterKey != "" {
			s.deleteFile(ctx, posterKey)
		}
		return fmt.Errorf("save media: %w", err)
	}
	if m.PosterKey != "" && m.PosterKey != posterKey {
		s.deleteFile(ctx, m.PosterKey)
	}
	s.Log.InfoContext(ctx, "media ready", "video_id", videoID, "duration_s", probe.DurationSeconds, "width", probe.Width, "height", probe.Height)
	return nil
}

// GiveUp marks processing failed after the job's last attempt failed with err.
func (s *Service) GiveUp(ctx context.Context, videoID int64, err error) error {
	return s.Repo.Fail(ctx, videoID, "processing failed after its last attempt: "+err.Error())
}

func (s *Service) failOrRetry(ctx context.Context, videoID int64, err error) error {
	var unreadable *domain.UnreadableError
	switch {
	case errors.As(err, &unreadable):
		s.Log.WarnContext(ctx, "media processing failed", "video_id", videoID, "err", err)
		// Recorded even when the job's context has just ended.
		return s.Repo.Fail(context.WithoutCancel(ctx), videoID, err.Error())
	case kind.Of(err) == kind.NotFound:
		s.Log.WarnContext(ctx, "media processing failed", "video_id", videoID, "err", err)
		return s.Repo.Fail(context.WithoutCancel(ctx), videoID, "the original file is missing from storage")
	default:
		return err
	}
}

func (s *Service) deleteFile(ctx context.Context, key string) {
	if err := s.Files.Delete(context.WithoutCancel(ctx), key); err != nil {
		s.Log.WarnContext(ctx, "delete derived file", "key", key, "err", err)
	}
}

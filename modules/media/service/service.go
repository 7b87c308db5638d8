// Package service holds the media module's use cases: tracking a stored original,
// processing it in the background, and reading the results.
package service

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"path"
	"strings"
	"time"

	"vms/modules/media/domain"
	"vms/modules/media/mediaevents"
	"vms/modules/media/ports"
	"vms/platform/events"
	"vms/platform/kind"
)

// Deps are the ports the use cases run against.
type Deps struct {
	Repo  ports.Repository
	Files ports.Files
	Tools ports.Tools // nil when processing is off
	// Ladder lists the heights of the HLS renditions (HLS_LADDER); a video gets those
	// not above its own height, or one rendition at its height when none is.
	Ladder []int
	Queue  ports.Queue
	UoW    ports.UnitOfWork
	Log    *slog.Logger
	// Usage learns the size of derived files; nil tells nobody.
	Usage ports.Usage
	// Publisher publishes MediaReady and MediaFailed in the unit of work that records
	// the status; nil publishes nothing.
	Publisher events.Publisher
}

// Service holds the media use cases.
type Service struct{ Deps }

// New builds the service.
func New(d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Publisher == nil {
		d.Publisher = noEvents{}
	}
	return &Service{Deps: d}
}

type noEvents struct{}

func (noEvents) Publish(context.Context, events.Event) error { return nil }

// Enabled reports whether this server processes media.
func (s *Service) Enabled() bool { return s.Tools != nil }

// Track starts the media facts of a newly stored original, inside the caller's unit of
// work: processing, with its job, when the tools are there; ready with empty facts when
// they are not.
func (s *Service) Track(ctx context.Context, videoID int64, originalKey string) error {
	if !s.Enabled() {
		return s.UoW.Do(ctx, func(ctx context.Context) error {
			if err := s.Repo.Begin(ctx, videoID, originalKey, domain.Ready); err != nil {
				return err
			}
			return s.Publisher.Publish(ctx, mediaevents.MediaReady{VideoID: videoID, At: time.Now().UTC()})
		})
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

// Process probes a video's original, stores its poster and, for a file with a picture,
// its HLS renditions, and marks the media ready. A file the tools cannot read ends failed
// and is not retried (nil error); any other failure (storage, database) is returned so
// the job is retried.
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
	var posterBytes int64
	var hls hlsOutput
	if probe.HasVideo() {
		jpeg, err := s.Tools.Poster(ctx, in, domain.PosterOffset(probe.DurationSeconds), domain.PosterMaxWidth)
		if err != nil {
			return s.failOrRetry(ctx, videoID, err)
		}
		if posterKey, err = s.Files.Put(ctx, bytes.NewReader(jpeg), "image/jpeg"); err != nil {
			return fmt.Errorf("store poster: %w", err)
		}
		posterBytes = int64(len(jpeg))
		plan := domain.PlanTranscode(s.Ladder, probe)
		err = s.Tools.Transcode(ctx, in, plan, func(out fs.FS) error { return s.storeHLS(ctx, out, plan, &hls) })
		if err == nil && len(hls.renditions) != len(plan.Rungs) {
			err = unusable("the transcode gave no output")
		}
		if err != nil {
			s.deleteKeys(ctx, append(keys(hls.files), posterKey))
			return s.failOrRetry(ctx, videoID, err)
		}
	}
	next := domain.Media{
		VideoID: videoID, Status: domain.Ready, OriginalKey: m.OriginalKey,
		DurationSeconds: probe.DurationSeconds, Width: probe.Width, Height: probe.Height,
		VideoCodec: probe.VideoCodec, AudioCodec: probe.AudioCodec, Bitrate: probe.Bitrate,
		PosterKey: posterKey, Renditions: hls.renditions,
	}
	var old []domain.HLSFile
	err = s.UoW.Do(ctx, func(ctx context.Context) error {
		if err := s.Repo.Save(ctx, next); err != nil {
			return err
		}
		var err error
		if old, err = s.Repo.ReplaceHLSFiles(ctx, videoID, hls.files); err != nil {
			return err
		}
		if s.Usage != nil {
			if err := s.Usage.DerivedChanged(ctx, videoID, posterBytes+hls.bytes()); err != nil {
				return err
			}
		}
		return s.Publisher.Publish(ctx, mediaevents.MediaReady{
			VideoID: videoID, DurationSeconds: probe.DurationSeconds, Width: probe.Width, Height: probe.Height, At: time.Now().UTC(),
		})
	})
	if err != nil {
		s.deleteKeys(ctx, append(keys(hls.files), posterKey))
		return fmt.Errorf("save media: %w", err)
	}
	stale := keys(old)
	if m.PosterKey != posterKey {
		stale = append(stale, m.PosterKey)
	}
	s.deleteKeys(ctx, stale)
	s.Log.InfoContext(ctx, "media ready", "video_id", videoID, "duration_s", probe.DurationSeconds,
		"width", probe.Width, "height", probe.Height, "renditions", len(hls.renditions))
	return nil
}

// HLSFile returns the storage key of a file of the video's HLS by its path relative to
// the video's HLS root: master.m3u8, <name>/index.m3u8, <name>/init.mp4 or
// <name>/seg_00001.m4s, …. Any path not in the video's current HLS file set is an error
// of kind not_found (domain.ErrNoHLSFile).
func (s *Service) HLSFile(ctx context.Context, videoID int64, path string) (string, error) {
	key, ok, err := s.Repo.HLSFile(ctx, videoID, path)
	if err != nil {
		return "", fmt.Errorf("read HLS file: %w", err)
	}
	if !ok {
		return "", domain.ErrNoHLSFile
	}
	return key, nil
}

// hlsOutput is what storing a transcode's output produced: the renditions and the files
// stored so far (deleted again when processing does not finish).
type hlsOutput struct {
	renditions []domain.Rendition
	files      []domain.HLSFile
}

// bytes is what the stored files take.
func (h hlsOutput) bytes() int64 {
	var n int64
	for _, f := range h.files {
		n += f.Size
	}
	return n
}

// storeHLS stores the files of a transcode's output and the master playlist written from
// them: per rendition its media playlist, initialization segment and media segments, with
// RESOLUTION and CODECS from the tool's master playlist and the bandwidths measured on the
// segments.
func (s *Service) storeHLS(ctx context.Context, out fs.FS, plan domain.TranscodePlan, hls *hlsOutput) error {
	text, err := fs.ReadFile(out, domain.MasterPlaylistName)
	if err != nil {
		return unusable("no master playlist: " + err.Error())
	}
	variants, err := domain.ParseMaster(string(text))
	if err != nil {
		return unusable("master playlist: " + err.Error())
	}
	byURI := make(map[string]domain.Variant, len(variants))
	for _, v := range variants {
		byURI[v.URI] = v
	}
	renditions := make([]domain.Rendition, 0, len(plan.Rungs))
	for _, rung := range plan.Rungs {
		v, ok := byURI[path.Join(rung.Name, domain.MediaPlaylistName)]
		if !ok {
			return unusable("the master playlist lacks the rendition " + rung.Name)
		}
		r, err := s.storeRendition(ctx, out, rung.Name, hls)
		if err != nil {
			return err
		}
		r.Width, r.Height, r.Codecs = v.Width, v.Height, v.Codecs
		renditions = append(renditions, r)
	}
	if _, err := s.put(ctx, domain.MasterPlaylistName, strings.NewReader(domain.MasterPlaylist(renditions)), hls); err != nil {
		return err
	}
	hls.renditions = renditions
	return nil
}

// storeRendition stores one rendition's media playlist, initialization segment and
// segments, and measures its bandwidths.
func (s *Service) storeRendition(ctx context.Context, out fs.FS, name string, hls *hlsOutput) (domain.Rendition, error) {
	playlist := path.Join(name, domain.MediaPlaylistName)
	text, err := fs.ReadFile(out, playlist)
	if err != nil {
		return domain.Rendition{}, unusable("no media playlist: " + err.Error())
	}
	pl, err := domain.ParseMediaPlaylist(string(text))
	if err != nil {
		return domain.Rendition{}, unusable(playlist + ": " + err.Error())
	}
	if pl.Map != domain.InitSegmentName || len(pl.Segments) == 0 {
		return domain.Rendition{}, unusable(fmt.Sprintf("%s has the initialization segment %q and %d segments", playlist, pl.Map, len(pl.Segments)))
	}
	if _, err := s.put(ctx, playlist, bytes.NewReader(text), hls); err != nil {
		return domain.Rendition{}, err
	}
	if _, err := s.putFile(ctx, out, path.Join(name, domain.InitSegmentName), hls); err != nil {
		return domain.Rendition{}, err
	}
	sized := make([]domain.SizedSegment, 0, len(pl.Segments))
	for _, seg := range pl.Segments {
		if strings.Contains(seg.URI, "/") {
			return domain.Rendition{}, unusable(playlist + " lists the segment " + seg.URI + " outside its folder")
		}
		size, err := s.putFile(ctx, out, path.Join(name, seg.URI), hls)
		if err != nil {
			return domain.Rendition{}, err
		}
		sized = append(sized, domain.SizedSegment{Bytes: size, Seconds: seg.Seconds})
	}
	r := domain.Rendition{Name: name}
	r.Bandwidth, r.AverageBandwidth = domain.Bandwidths(sized)
	return r, nil
}

// putFile stores a file of the output and returns its size.
func (s *Service) putFile(ctx context.Context, out fs.FS, name string, hls *hlsOutput) (int64, error) {
	f, err := out.Open(name)
	if err != nil {
		return 0, unusable("missing " + name)
	}
	defer f.Close()
	return s.put(ctx, name, f, hls)
}

// put stores one HLS file and adds it to the output.
func (s *Service) put(ctx context.Context, name string, r io.Reader, hls *hlsOutput) (int64, error) {
	counted := &countingReader{r: r}
	key, err := s.Files.Put(ctx, counted, domain.ContentType(name))
	if err != nil {
		return 0, fmt.Errorf("store %s: %w", name, err)
	}
	hls.files = append(hls.files, domain.HLSFile{Path: name, Key: key, Size: counted.n})
	return counted.n, nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// unusable is transcode output the service cannot use: the tool did not do what it was
// asked, which another attempt would not change.
func unusable(reason string) error {
	return &domain.UnreadableError{Reason: "ffmpeg gave unusable HLS output: " + reason}
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
		return s.fail(context.WithoutCancel(ctx), videoID, err.Error())
	case kind.Of(err) == kind.NotFound:
		s.Log.WarnContext(ctx, "media processing failed", "video_id", videoID, "err", err)
		return s.fail(context.WithoutCancel(ctx), videoID, "the original file is missing from storage")
	default:
		return err
	}
}

// fail records the failure and publishes MediaFailed in one unit of work.
func (s *Service) fail(ctx context.Context, videoID int64, reason string) error {
	return s.UoW.Do(ctx, func(ctx context.Context) error {
		if err := s.Repo.Fail(ctx, videoID, reason); err != nil {
			return err
		}
		return s.Publisher.Publish(ctx, mediaevents.MediaFailed{VideoID: videoID, Error: reason, At: time.Now().UTC()})
	})
}

// deleteKeys deletes derived files that are no longer (or were never) recorded; an empty
// key is no file.
func (s *Service) deleteKeys(ctx context.Context, keys []string) {
	for _, key := range keys {
		if key != "" {
			if err := s.Files.Delete(context.WithoutCancel(ctx), key); err != nil {
				s.Log.WarnContext(ctx, "delete derived file", "key", key, "err", err)
			}
		}
	}
}

func keys(files []domain.HLSFile) []string {
	out := make([]string, 0, len(files)+1)
	for _, f := range files {
		out = append(out, f.Key)
	}
	return out
}

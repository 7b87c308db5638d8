package service_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"vms/modules/media/domain"
	"vms/modules/media/fake"
	"vms/modules/media/service"
	"vms/platform/kind"
)

var jpegBytes = []byte{0xFF, 0xD8, 0xFF, 0xE0, 'j', 'p', 'g'}

type env struct {
	repo  *fake.Repository
	files *fake.Files
	tools *fake.Tools
	queue *fake.Queue
	svc   *service.Service
}

func newEnv(withTools bool) *env {
	e := &env{repo: fake.NewRepository(), files: fake.NewFiles(), tools: &fake.Tools{JPEG: jpegBytes}, queue: &fake.Queue{}}
	d := service.Deps{Repo: e.repo, Files: e.files, Queue: e.queue, UoW: fake.UoW{}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if withTools {
		d.Tools = e.tools
	}
	e.svc = service.New(d)
	e.files.Add("orig", []byte("video bytes"))
	return e
}

func (e *env) media(t *testing.T, id int64) domain.Media {
	t.Helper()
	m, ok, err := e.repo.Get(context.Background(), id)
	if err != nil || !ok {
		t.Fatalf("media %d: ok=%v err=%v", id, ok, err)
	}
	return m
}

func TestTrackQueuesProcessingWhenToolsExist(t *testing.T) {
	e := newEnv(true)
	if err := e.svc.Track(context.Background(), 7, "orig"); err != nil {
		t.Fatal(err)
	}
	if m := e.media(t, 7); m.Status != domain.Processing || m.OriginalKey != "orig" {
		t.Fatalf("media = %+v", m)
	}
	if len(e.queue.IDs) != 1 || e.queue.IDs[0] != 7 {
		t.Fatalf("queued %v, want [7]", e.queue.IDs)
	}
}

func TestTrackWithoutToolsIsReadyAndQueuesNothing(t *testing.T) {
	e := newEnv(false)
	if err := e.svc.Track(context.Background(), 7, "orig"); err != nil {
		t.Fatal(err)
	}
	if m := e.media(t, 7); m.Status != domain.Ready || m.DurationSeconds != 0 {
		t.Fatalf("media = %+v", m)
	}
	if len(e.queue.IDs) != 0 {
		t.Fatalf("queued %v without tools", e.queue.IDs)
	}
	if err := e.svc.Reprocess(context.Background(), 7, "orig"); !errors.Is(err, domain.ErrUnavailable) || kind.Of(err) != kind.Conflict {
		t.Fatalf("Reprocess without tools = %v, want ErrUnavailable (conflict)", err)
	}
}

func TestTrackFailsWhenTheJobCannotBeQueued(t *testing.T) {
	e := newEnv(true)
	e.queue.Err = errors.New("queue down")
	if err := e.svc.Track(context.Background(), 7, "orig"); err == nil {
		t.Fatal("Track succeeded although its job was not queued")
	}
}

func TestProcessStoresFactsAndPoster(t *testing.T) {
	e := newEnv(true)
	ctx := context.Background()
	e.tools.Probed = domain.Probe{DurationSeconds: 5, Width: 1920, Height: 1080, VideoCodec: "h264", AudioCodec: "aac", Bitrate: 4_000_000}
	if err := e.svc.Track(ctx, 7, "orig"); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Process(ctx, 7); err != nil {
		t.Fatal(err)
	}
	m := e.media(t, 7)
	if m.Status != domain.Ready || m.DurationSeconds != 5 || m.Width != 1920 || m.Height != 1080 || m.VideoCodec != "h264" || m.AudioCodec != "aac" || m.Bitrate != 4_000_000 {
		t.Fatalf("media = %+v", m)
	}
	if string(e.files.Keys()[m.PosterKey]) != string(jpegBytes) {
		t.Fatalf("poster %q not stored", m.PosterKey)
	}
	if len(e.tools.Offsets) != 1 || e.tools.Offsets[0] != 0.5 || e.tools.Widths[0] != domain.PosterMaxWidth {
		t.Fatalf("poster taken at %v (width %v), want 0.5 s (10 %% of 5 s) and %d px", e.tools.Offsets, e.tools.Widths, domain.PosterMaxWidth)
	}
	body, got, err := e.svc.Poster(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(body)
	if string(b) != string(jpegBytes) || got.PosterKey != m.PosterKey {
		t.Fatalf("Poster = %q, %+v", b, got)
	}
	// Processing again replaces the poster and deletes the old one.
	old := m.PosterKey
	if err := e.svc.Reprocess(ctx, 7, "orig"); err != nil {
		t.Fatal(err)
	}
	if e.media(t, 7).Status != domain.Processing {
		t.Fatal("Reprocess did not mark the media processing")
	}
	if err := e.svc.Process(ctx, 7); err != nil {
		t.Fatal(err)
	}
	keys := e.files.Keys()
	// The original, the poster and the HLS of one rendition (1080p, the source's height
	// without a ladder): master, index, init and two segments.
	if _, ok := keys[old]; ok || len(keys) != 7 {
		t.Fatalf("stored objects after reprocessing: %d, old poster kept: %v", len(keys), ok)
	}
}

func TestProcessAudioOnlyIsReadyWithoutPoster(t *testing.T) {
	e := newEnv(true)
	ctx := context.Background()
	e.tools.Probed = domain.Probe{DurationSeconds: 3, AudioCodec: "mp3"}
	_ = e.svc.Track(ctx, 7, "orig")
	if err := e.svc.Process(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if m := e.media(t, 7); m.Status != domain.Ready || m.PosterKey != "" || len(e.tools.Offsets) != 0 {
		t.Fatalf("media = %+v, poster asked %v", m, e.tools.Offsets)
	}
	if _, _, err := e.svc.Poster(ctx, 7); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("Poster = %v, want ErrNotFound", err)
	}
}

func TestProcessUnreadableFileFailsWithoutRetry(t *testing.T) {
	for name, setup := range map[string]func(e *env){
		"probe": func(e *env) {
			e.tools.ProbeErr = &domain.UnreadableError{Reason: "ffprobe could not read the file: Invalid data"}
		},
		"poster": func(e *env) {
			e.tools.ShotErr = &domain.UnreadableError{Reason: "ffmpeg could not decode a frame for the poster"}
		},
		"original": func(e *env) { _ = e.files.Delete(context.Background(), "orig") },
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(true)
			e.tools.Probed = domain.Probe{DurationSeconds: 2, Width: 320, Height: 240, VideoCodec: "h264"}
			setup(e)
			ctx := context.Background()
			_ = e.svc.Track(ctx, 7, "orig")
			if err := e.svc.Process(ctx, 7); err != nil {
				t.Fatalf("Process = %v, want nil (no retry for an unreadable file)", err)
			}
			m := e.media(t, 7)
			if m.Status != domain.Failed || m.Error == "" || m.PosterKey != "" {
				t.Fatalf("media = %+v, want failed with an error", m)
			}
			want := map[string]string{"probe": "Invalid data", "poster": "decode a frame", "original": "missing"}[name]
			if !strings.Contains(m.Error, want) {
				t.Fatalf("error = %q, want it to say %q", m.Error, want)
			}
		})
	}
}

func TestProcessTransientFailureIsRetriedThenGivenUp(t *testing.T) {
	e := newEnv(true)
	ctx := context.Background()
	e.tools.Probed = domain.Probe{DurationSeconds: 2, Width: 320, Height: 240, VideoCodec: "h264"}
	e.files.PutErr = fake.ErrStorage
	_ = e.svc.Track(ctx, 7, "orig")
	err := e.svc.Process(ctx, 7)
	if !errors.Is(err, fake.ErrStorage) {
		t.Fatalf("Process = %v, want the storage error (retried by the job)", err)
	}
	if m := e.media(t, 7); m.Status != domain.Processing {
		t.Fatalf("after a transient failure media = %+v, want still processing", m)
	}
	if err := e.svc.GiveUp(ctx, 7, err); err != nil {
		t.Fatal(err)
	}
	if m := e.media(t, 7); m.Status != domain.Failed || !strings.Contains(m.Error, "last attempt") || !strings.Contains(m.Error, fake.ErrStorage.Error()) {
		t.Fatalf("after giving up media = %+v", m)
	}
}

func TestProcessWithoutRowOrToolsDoesNothing(t *testing.T) {
	e := newEnv(true)
	if err := e.svc.Process(context.Background(), 99); err != nil {
		t.Fatalf("Process of an untracked video = %v", err)
	}
	if e.tools.Probes != 0 {
		t.Fatal("an untracked video was processed")
	}
	// A row left from when the tools were there, on a server without them now.
	off := newEnv(false)
	if err := off.repo.Begin(context.Background(), 7, "orig", domain.Processing); err != nil {
		t.Fatal(err)
	}
	if err := off.svc.Process(context.Background(), 7); err != nil {
		t.Fatalf("Process without tools = %v", err)
	}
	if m := off.media(t, 7); m.Status != domain.Processing {
		t.Fatalf("media = %+v, want untouched", m)
	}
}

func TestFirstPosterDeletesNothingAndFailedDeletesAreLogged(t *testing.T) {
	var logs strings.Builder
	e := newEnv(true)
	e.svc = service.New(service.Deps{Repo: e.repo, Files: e.files, Tools: e.tools, Queue: e.queue, UoW: fake.UoW{},
		Log: slog.New(slog.NewTextHandler(&logs, nil))})
	ctx := context.Background()
	e.tools.Probed = domain.Probe{DurationSeconds: 2, Width: 320, Height: 240, VideoCodec: "h264"}
	_ = e.svc.Track(ctx, 7, "orig")
	if err := e.svc.Process(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if len(e.files.Deleted) != 0 {
		t.Fatalf("the first processing deleted %v", e.files.Deleted)
	}
	if strings.Contains(logs.String(), "delete derived file") {
		t.Fatalf("a delete warning without a failed delete:\n%s", logs.String())
	}
	e.files.DeleteErr = fake.ErrStorage
	if err := e.svc.Process(ctx, 7); err != nil {
		t.Fatal(err)
	}
	// The old poster and the five files of the old HLS.
	if len(e.files.Deleted) != 6 || strings.Count(logs.String(), "delete derived file") != 6 {
		t.Fatalf("deleted %v; logs:\n%s", e.files.Deleted, logs.String())
	}
}

func TestServiceWithoutLoggerLogsToDefault(t *testing.T) {
	repo, files, tools := fake.NewRepository(), fake.NewFiles(), &fake.Tools{JPEG: jpegBytes, ProbeErr: &domain.UnreadableError{Reason: "junk"}}
	files.Add("orig", []byte("x"))
	svc := service.New(service.Deps{Repo: repo, Files: files, Tools: tools, Queue: &fake.Queue{}, UoW: fake.UoW{}})
	ctx := context.Background()
	_ = svc.Track(ctx, 7, "orig")
	if err := svc.Process(ctx, 7); err != nil { // logs a warning: must not panic
		t.Fatal(err)
	}
}

func TestOfFillsUnprocessedVideos(t *testing.T) {
	e := newEnv(true)
	ctx := context.Background()
	_ = e.svc.Track(ctx, 1, "orig")
	got, err := e.svc.Of(ctx, []int64{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	if got[1].Status != domain.Processing || got[2].Status != domain.Ready || got[2].VideoID != 2 || len(got) != 2 {
		t.Fatalf("Of = %+v", got)
	}
	e.repo.Err = errors.New("db down")
	if _, err := e.svc.Of(ctx, []int64{1}); err == nil {
		t.Fatal("Of hid a repository error")
	}
}

func TestPosterOffset(t *testing.T) {
	for _, tc := range []struct{ d, want float64 }{{0, 0}, {-1, 0}, {2, 0.2}, {10, 1}, {3600, 1}, {5, 0.5}} {
		if got := domain.PosterOffset(tc.d); got != tc.want {
			t.Errorf("PosterOffset(%v) = %v, want %v", tc.d, got, tc.want)
		}
	}
}

// An unreadable file found as the job's context ends is still recorded failed.
func TestUnreadableFileIsRecordedAsTheJobEnds(t *testing.T) {
	e := newEnv(true)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_ = e.svc.Track(ctx, 7, "orig")
	e.tools.ProbeErr = &domain.UnreadableError{Reason: "ffprobe could not read the file"}
	e.tools.OnProbe = cancel
	if err := e.svc.Process(ctx, 7); err != nil {
		t.Fatalf("Process = %v", err)
	}
	if m := e.media(t, 7); m.Status != domain.Failed {
		t.Fatalf("media = %+v, want failed", m)
	}
}

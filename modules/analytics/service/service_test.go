package service_test

import (
	"context"
	"errors"
	"io"
	"slices"
	"testing"
	"time"

	"vms/modules/analytics/domain"
	"vms/modules/analytics/fake"
	"vms/modules/analytics/service"
	"vms/platform/clock"
	"vms/platform/database/uowtest"
)

// The test video: 10 seconds, second s in bytes [1000+100s, 1100+100s), the index after
// them up to 2500. Its HLS rendition "360p" has segments of 4, 4 and 2 seconds.
const (
	video    = 7
	user     = 3
	fileSize = 2500
	playlist = "#EXTM3U\n#EXT-X-MAP:URI=\"init.mp4\"\n#EXTINF:4,\nseg_00001.m4s\n#EXTINF:4,\nseg_00002.m4s\n#EXTINF:2,\nseg_00003.m4s\n#EXT-X-ENDLIST\n"
)

func testIndex(r io.ReadSeeker) (domain.Index, error) {
	b, _ := io.ReadAll(r)
	if string(b) != "mp4" {
		return domain.Index{}, domain.ErrUnsupported
	}
	x := domain.NewIndexBuilder(10)
	for s := range 10 {
		for f := range 4 { // 4 samples of 25 bytes per second
			x.Add(int64(1000+100*s+25*f), 25, float64(s)+float64(f)/4)
		}
	}
	i, _ := x.Index()
	return i, nil
}

type env struct {
	svc   *service.Service
	repo  *fake.Repository
	media *fake.Media
	clock *clock.Fake
	uow   *uowtest.UnitOfWork
}

func newEnv(t *testing.T, off bool) *env {
	t.Helper()
	e := &env{
		repo:  fake.NewRepository(),
		media: &fake.Media{Originals: map[int64][]byte{video: []byte("mp4"), 8: []byte("webm")}, Playlists: map[int64]map[string]string{video: {"360p": playlist}}},
		clock: clock.NewFake(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)),
	}
	e.uow = &uowtest.UnitOfWork{Stores: []uowtest.Snapshotter{e.repo}}
	e.svc = service.New(service.Deps{Repo: e.repo, Media: e.media, UoW: e.uow, Clock: e.clock, Index: testIndex}, service.Settings{Off: off})
	return e
}

func original(userID, videoID int64, spans ...domain.Span) domain.Served {
	return domain.Served{Kind: domain.ServedOriginal, UserID: userID, VideoID: videoID, Size: fileSize, Spans: spans}
}

func segment(userID int64, path string, size int64, spans ...domain.Span) domain.Served {
	return domain.Served{Kind: domain.ServedSegment, UserID: userID, VideoID: video, Path: path, Size: size, Spans: spans}
}

// seconds lists the stored seconds of a user's watch of the video.
func (e *env) seconds(t *testing.T, videoID, userID int64) []int {
	t.Helper()
	w, ok := e.repo.Watch(videoID, userID)
	if !ok {
		return nil
	}
	var out []int
	for s := range w.Duration {
		if w.Seconds.Has(s) {
			out = append(out, s)
		}
	}
	return out
}

func (e *env) flush(t *testing.T) {
	t.Helper()
	if err := e.svc.Flush(context.Background()); err != nil {
		t.Fatalf("flush: %v", err)
	}
}

func TestServedOriginalBecomesSeconds(t *testing.T) {
	e := newEnv(t, false)
	e.svc.Served(original(user, video, domain.Span{Start: 0, End: 1300}))      // header + seconds 0–2
	e.svc.Served(original(user, video, domain.Span{Start: 1750, End: 1800}))   // half of second 7
	e.svc.Served(original(user, video, domain.Span{Start: 2000, End: 2500}))   // the index: nothing
	e.svc.Served(original(user, video, domain.Span{Start: 1000, End: 1200}))   // a repeat
	e.svc.Served(original(user+1, video, domain.Span{Start: 1500, End: 1600})) // another user: second 5
	e.flush(t)
	if got := e.seconds(t, video, user); !slices.Equal(got, []int{0, 1, 2}) {
		t.Fatalf("seconds %v", got)
	}
	if got := e.seconds(t, video, user+1); !slices.Equal(got, []int{5}) {
		t.Fatalf("other user's seconds %v", got)
	}
	w, _ := e.repo.Watch(video, user)
	if w.Duration != 10 || w.Furthest() != 3 || !w.LastSeen.Equal(e.clock.Now()) || !w.FirstSeen.Equal(e.clock.Now()) {
		t.Fatalf("watch %+v", w)
	}
	// The other half of second 7 comes after the flush: it still counts, and nothing is
	// lost of what was flushed.
	e.clock.Advance(time.Minute)
	e.svc.Served(original(user, video, domain.Span{Start: 1700, End: 1750}))
	e.flush(t)
	if got := e.seconds(t, video, user); !slices.Equal(got, []int{0, 1, 2, 7}) {
		t.Fatalf("seconds after the second flush %v", got)
	}
	if w, _ := e.repo.Watch(video, user); !w.LastSeen.Equal(e.clock.Now()) || w.FirstSeen.Equal(e.clock.Now()) {
		t.Fatalf("times %+v", w)
	}
	if e.media.Opens != 1 {
		t.Fatalf("the original was opened %d times; its index is cached", e.media.Opens)
	}
}

func TestNothingNewWritesNothing(t *testing.T) {
	e := newEnv(t, false)
	e.flush(t)
	e.svc.Served(original(user, video, domain.Span{Start: 0, End: 1100}))
	e.flush(t)
	e.flush(t)
	if e.repo.Merges != 1 || e.uow.Calls != 1 {
		t.Fatalf("%d merges in %d units of work, want 1", e.repo.Merges, e.uow.Calls)
	}
	// Only the index: no second, no viewer, no write.
	e.svc.Served(original(user+1, video, domain.Span{Start: 2000, End: 2500}))
	e.flush(t)
	if _, ok := e.repo.Watch(video, user+1); ok || e.repo.Merges != 1 {
		t.Fatal("a watch of no second was written")
	}
}

func TestServedIgnored(t *testing.T) {
	e := newEnv(t, false)
	all := domain.Span{Start: 0, End: fileSize}
	e.svc.Served(original(0, video, all))                                                          // not a user (an API key)
	e.svc.Served(original(user, 0, all))                                                           // no video
	e.svc.Served(original(user, video))                                                            // nothing written
	e.svc.Served(domain.Served{Kind: 99, UserID: user, VideoID: video, Spans: []domain.Span{all}}) // not media
	e.svc.Served(segment(user, "360p/init.mp4", 900, domain.Span{Start: 0, End: 900}))             // no number
	e.svc.Served(segment(user, "seg_00001.m4s", 900, domain.Span{Start: 0, End: 900}))             // no rendition
	e.svc.Served(segment(user, "/seg_00001.m4s", 900, domain.Span{Start: 0, End: 900}))            // an empty one
	e.flush(t)
	if e.repo.Merges != 0 || e.svc.Stats().Pending != 0 {
		t.Fatalf("merges %d, pending %d", e.repo.Merges, e.svc.Stats().Pending)
	}
	off := newEnv(t, true)
	off.svc.Served(original(user, video, all))
	off.flush(t)
	if off.repo.Merges != 0 {
		t.Fatal("ANALYTICS=off took a delivery in")
	}
}

func TestServedSegments(t *testing.T) {
	e := newEnv(t, false)
	e.svc.Served(segment(user, "360p/seg_00001.m4s", 4000, domain.Span{Start: 0, End: 4000}))
	e.svc.Served(segment(user, "360p/seg_00001.m4s", 4000, domain.Span{Start: 0, End: 4000})) // a repeat
	e.svc.Served(segment(user, "360p/seg_00003.m4s", 2000, domain.Span{Start: 0, End: 1000})) // half of it
	e.svc.Served(segment(user, "720p/seg_00002.m4s", 9000, domain.Span{Start: 0, End: 9000})) // no such rendition
	e.flush(t)
	if got := e.seconds(t, video, user); !slices.Equal(got, []int{0, 1, 2, 3}) {
		t.Fatalf("seconds %v", got)
	}
	// The rest of segment 3 in two ranges completes it.
	e.svc.Served(segment(user, "360p/seg_00003.m4s", 2000, domain.Span{Start: 1000, End: 1500}, domain.Span{Start: 1500, End: 2000}))
	// The original and HLS add up to one set.
	e.svc.Served(original(user, video, domain.Span{Start: 1000, End: 1200}))
	e.flush(t)
	if got := e.seconds(t, video, user); !slices.Equal(got, []int{0, 1, 2, 3, 8, 9}) {
		t.Fatalf("seconds %v", got)
	}
	if e.media.Reads != 2 {
		t.Fatalf("%d playlist reads (360p once, 720p once)", e.media.Reads)
	}
}

func TestUnsupportedOriginalCountsNothing(t *testing.T) {
	e := newEnv(t, false)
	e.svc.Served(original(user, 8, domain.Span{Start: 0, End: fileSize}))
	e.svc.Served(original(user, 9, domain.Span{Start: 0, End: fileSize})) // no original: a source URL
	e.flush(t)
	e.svc.Served(original(user, 8, domain.Span{Start: 0, End: 10}))
	e.flush(t)
	if _, ok := e.repo.Watch(8, user); ok {
		t.Fatal("a WebM original counted")
	}
	if e.media.Opens != 2 || e.repo.Merges != 0 {
		t.Fatalf("opens %d (once per video, then cached), merges %d", e.media.Opens, e.repo.Merges)
	}
}

func TestFailuresAreRetried(t *testing.T) {
	e := newEnv(t, false)
	e.media.Err = errors.New("storage down")
	e.svc.Served(original(user, video, domain.Span{Start: 1000, End: 1100}))
	e.svc.Served(original(user+1, video, domain.Span{Start: 1000, End: 1100}))
	e.svc.Served(original(user+2, video, domain.Span{Start: 1000, End: 1100}))
	if err := e.svc.Flush(context.Background()); err == nil {
		t.Fatal("a flush that could not read the original succeeded")
	}
	if e.media.Opens != 1 {
		t.Fatalf("the unreadable original was tried %d times in one flush", e.media.Opens)
	}
	e.media.Err = nil
	e.repo.Err = errors.New("database down")
	if err := e.svc.Flush(context.Background()); err == nil {
		t.Fatal("a flush that could not write succeeded")
	}
	e.repo.Err = nil
	e.flush(t)
	for u := int64(user); u <= user+2; u++ {
		if got := e.seconds(t, video, u); !slices.Equal(got, []int{0}) {
			t.Fatalf("user %d's seconds after recovery %v", u, got)
		}
	}
	if s := e.svc.Stats(); s.FailedFlushes != 2 || s.Flushes != 1 || s.Written != 3 {
		t.Fatalf("stats %+v", s)
	}
}

func TestIdlePairsAreForgotten(t *testing.T) {
	e := newEnv(t, false)
	e.svc.Served(original(user, video, domain.Span{Start: 1000, End: 1050}))
	e.flush(t)
	if e.svc.Stats().Pending != 1 {
		t.Fatal("the pair was forgotten at once")
	}
	e.clock.Advance(11 * time.Minute)
	e.flush(t)
	if e.svc.Stats().Pending != 0 {
		t.Fatal("an idle pair is still held")
	}
	// Its half second is gone with it: the other half alone does not make the second.
	e.svc.Served(original(user, video, domain.Span{Start: 1050, End: 1100}))
	e.flush(t)
	if _, ok := e.repo.Watch(video, user); ok {
		t.Fatal("half seconds across an idle gap counted")
	}
}

func TestRunFlushesEveryInterval(t *testing.T) {
	repo := fake.NewRepository()
	media := &fake.Media{Originals: map[int64][]byte{video: []byte("mp4")}}
	svc := service.New(service.Deps{Repo: repo, Media: media, UoW: &uowtest.UnitOfWork{}, Clock: clock.System{}, Index: testIndex},
		service.Settings{FlushInterval: 10 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); svc.Run(ctx) }()
	svc.Served(original(user, video, domain.Span{Start: 0, End: fileSize}))
	deadline := time.Now().Add(5 * time.Second)
	for {
		if w, ok := repo.Watch(video, user); ok && w.Watched() == 10 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Run did not flush")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
}

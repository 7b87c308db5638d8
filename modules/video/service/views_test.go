package service_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"vms/modules/corporation/corporationevents"
	"vms/modules/video/domain"
	"vms/modules/video/fake"
	"vms/modules/video/service"
	"vms/modules/video/videoevents"
	"vms/platform/clock"
	"vms/platform/principal"
)

func TestRecordViewCreditsOnceAndRepeatsWithoutTransaction(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, 1<<20)
	v, _ := e.videos.Create(ctx, domain.Video{Name: "up", CorporationID: 100, SourceKind: domain.SourceUpload, StorageKey: "k"})
	first, err := e.svc.RecordView(ctx, guestA, v)
	if err != nil || !first.Created || first.PointsAwarded != 10 {
		t.Fatalf("first view %+v %v", first, err)
	}
	evs := e.pub.Published()
	want := videoevents.VideoViewed{UserID: 2, VideoID: v.ID, CorporationID: 100, UserCorporationID: guestA.CorporationID,
		ViewLogID: first.Log.ID, Points: 10, At: first.Log.CreatedAt}
	if len(evs) != 1 || evs[0] != want {
		t.Fatalf("events %+v, want %+v", evs, want)
	}
	began := e.uow.Began
	for range 5 {
		again, err := e.svc.RecordView(ctx, guestA, v)
		if err != nil || again.Created || again.PointsAwarded != 0 || again.Log.ID != first.Log.ID {
			t.Fatalf("repeat %+v %v", again, err)
		}
	}
	if e.uow.Began != began || len(e.pub.Published()) != 1 {
		t.Fatalf("repeat views opened %d units and published %d events", e.uow.Began-began, len(e.pub.Published())-1)
	}
}

func TestRecordViewConcurrentPublishesOnce(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, 1<<20)
	v, _ := e.videos.Create(ctx, domain.Video{Name: "up", CorporationID: 100, SourceKind: domain.SourceUpload, StorageKey: "k"})
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := e.svc.RecordView(ctx, guestA, v); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := len(e.pub.Published()); n != 1 || e.views.Len() != 1 {
		t.Fatalf("%d events, %d logs; want 1 and 1", n, e.views.Len())
	}
}

func TestRecordViewPublishFailureFails(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, 1<<20)
	e.pub.Err = fake.ErrBroken
	v, _ := e.videos.Create(ctx, domain.Video{Name: "up", CorporationID: 100, SourceKind: domain.SourceUpload, StorageKey: "k"})
	if _, err := e.svc.RecordView(ctx, guestA, v); !errors.Is(err, fake.ErrBroken) {
		t.Fatalf("publish failure: %v", err)
	}
}

func TestHasViewedAuthorisation(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, 1<<20)
	v, _ := e.videos.Create(ctx, domain.Video{Name: "up", CorporationID: 100, SourceKind: domain.SourceUpload, StorageKey: "k"})
	if _, err := e.svc.ViewVideo(ctx, guestA, v.ID); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		who  principal.Principal
		user int64
		want bool
		err  error
	}{
		{guestA, 2, true, nil},
		{adminA, 2, true, nil},
		{adminA, 1, false, nil},
		{guestA, 1, false, domain.ErrViewLogForbidden},
		{adminB, 2, false, domain.ErrViewLogForbidden},
		{adminA, 999, false, domain.ErrViewLogForbidden},
	}
	for _, c := range cases {
		got, err := e.svc.HasViewed(ctx, c.who, c.user, v.ID)
		if got != c.want || !errors.Is(err, c.err) {
			t.Errorf("%+v asks about user %d: %v %v, want %v %v", c.who, c.user, got, err, c.want, c.err)
		}
	}
	if _, err := e.svc.ViewVideo(ctx, guestA, 12345); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("view of a missing video: %v", err)
	}
}

func TestStreamableAndPlayback(t *testing.T) {
	ctx := context.Background()
	head := domain.StreamRequest{Head: true}
	e := newEnv(t, 1<<20)
	v, _ := e.videos.Create(ctx, domain.Video{Name: "up", CorporationID: 100, SourceKind: domain.SourceUpload, StorageKey: "k"})
	w, _ := e.videos.Create(ctx, domain.Video{Name: "other", CorporationID: 200, Visibility: domain.Public, SourceKind: domain.SourceUpload, StorageKey: "k2"})
	play := principal.Principal{UserID: 2, CorporationID: 100, Role: principal.RoleGuest, PlaybackVideoID: v.ID}
	if _, err := e.svc.OpenStream(ctx, play, v.ID, head); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.OpenStream(ctx, play, w.ID, head); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("playback token for another video: %v", err)
	}
	if _, err := e.svc.OpenStream(ctx, guestA, w.ID, head); err != nil {
		t.Fatalf("any signed-in user streams a public live video: %v", err)
	}
	p, err := e.svc.Playback(ctx, guestA, v.ID)
	if err != nil || p.Token != "play-1-2" || !p.ExpiresAt.Equal(t0.Add(5*time.Minute)) {
		t.Fatalf("playback %+v %v", p, err)
	}
	if _, err := e.svc.Playback(ctx, guestA, 999); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("playback of missing video: %v", err)
	}
}

func TestCorporationCleanup(t *testing.T) {
	ctx := context.Background()
	head := domain.StreamRequest{Head: true}
	e := newEnv(t, 1<<20)
	a, _ := e.videos.Create(ctx, domain.Video{Name: "a", CorporationID: 100, SourceKind: domain.SourceUpload, StorageKey: "k"})
	b, _ := e.videos.Create(ctx, domain.Video{Name: "b", CorporationID: 200, SourceKind: domain.SourceUpload, StorageKey: "k2"})
	if _, err := e.svc.OpenStream(ctx, guestA, a.ID, head); err != nil { // now cached
		t.Fatal(err)
	}
	h := service.NewCorporationCleanup(e.videos, clock.NewFake(t0), e.live)
	if h.EventName() != "corporation.deleted" {
		t.Fatalf("handler for %s", h.EventName())
	}
	if err := h.Handle(ctx, corporationevents.CorporationDeleted{CorporationID: 100}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Get(ctx, guestA, a.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("video of deleted corporation still live: %v", err)
	}
	if _, err := e.svc.OpenStream(ctx, guestA, a.ID, head); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("video of deleted corporation still streamable from the cache: %v", err)
	}
	if _, err := e.svc.Get(ctx, adminB, b.ID); err != nil {
		t.Fatalf("other corporation's video: %v", err)
	}
}

func TestStreamViewsSkipKnownPairs(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, 1<<20)
	e.storage.Add("k", []byte("0123456789"))
	v, _ := e.videos.Create(ctx, domain.Video{Name: "up", CorporationID: 100, SourceKind: domain.SourceUpload, StorageKey: "k", SizeBytes: 10})
	get := func() {
		t.Helper()
		s, err := e.svc.OpenStream(ctx, guestA, v.ID, domain.StreamRequest{Range: "bytes=0-1"})
		if err != nil {
			t.Fatal(err)
		}
		_ = s.Close()
	}
	get()
	if n := len(e.pub.Published()); n != 1 {
		t.Fatalf("first stream view published %d events, want 1", n)
	}
	finds, began := e.views.Finds.Load(), e.uow.Began
	for range 10 {
		get()
	}
	if got := e.views.Finds.Load() - finds; got != 0 || e.uow.Began != began {
		t.Fatalf("repeat stream views read the view log %d times and began %d units, want none", got, e.uow.Began-began)
	}
	if n := len(e.pub.Published()); n != 1 {
		t.Fatalf("repeat stream views published %d events, want 1", n)
	}
}

func TestStreamLookupsAreCachedUntilAChange(t *testing.T) {
	ctx := context.Background()
	head := domain.StreamRequest{Head: true}
	e := newEnv(t, 1<<20)
	v, _ := e.videos.Create(ctx, domain.Video{Name: "up", CorporationID: 100, SourceKind: domain.SourceUpload, StorageKey: "k"})
	for range 3 {
		if _, err := e.svc.OpenStream(ctx, guestA, v.ID, head); err != nil {
			t.Fatal(err)
		}
	}
	if got := e.videos.LiveReads(); got != 1 {
		t.Fatalf("three stream lookups read the table %d times, want 1", got)
	}
	if err := e.svc.Delete(ctx, adminA, v.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.OpenStream(ctx, guestA, v.ID, head); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("deleted video still streamable from the cache: %v", err)
	}
}

// Another replica's change reaches the table, not this replica's cache: it shows here once
// the cached video expires, DefaultLiveTTL after the lookup.
func TestStreamLookupsExpireAfterTheTTL(t *testing.T) {
	ctx := context.Background()
	head := domain.StreamRequest{Head: true}
	clk := clock.NewFake(t0)
	e := newEnvLive(t, service.NewLiveCache(clk, service.DefaultLiveTTL, 100), 1<<20)
	v, _ := e.videos.Create(ctx, domain.Video{Name: "up", CorporationID: 100, SourceKind: domain.SourceUpload, StorageKey: "k"})
	if _, err := e.svc.OpenStream(ctx, guestA, v.ID, head); err != nil {
		t.Fatal(err)
	}
	if err := e.videos.SoftDelete(ctx, 100, v.ID, t0); err != nil { // another replica deletes it
		t.Fatal(err)
	}
	clk.Advance(service.DefaultLiveTTL - time.Nanosecond)
	if _, err := e.svc.OpenStream(ctx, guestA, v.ID, head); err != nil {
		t.Fatalf("cached video not reused within the TTL: %v", err)
	}
	clk.Advance(time.Nanosecond)
	if _, err := e.svc.OpenStream(ctx, guestA, v.ID, head); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("video deleted elsewhere still streams after the TTL: %v", err)
	}
	if got := e.videos.LiveReads(); got != 2 {
		t.Fatalf("stream lookups read the table %d times, want 2", got)
	}
}

func TestStreamLookupsWithoutCacheReadEveryTime(t *testing.T) {
	ctx := context.Background()
	e := newEnvLive(t, service.NewLiveCache(clock.NewFake(t0), 0, 100), 1<<20)
	v, _ := e.videos.Create(ctx, domain.Video{Name: "up", CorporationID: 100, SourceKind: domain.SourceUpload, StorageKey: "k"})
	for range 2 {
		if _, err := e.svc.OpenStream(ctx, guestA, v.ID, domain.StreamRequest{Head: true}); err != nil {
			t.Fatal(err)
		}
	}
	if got := e.videos.LiveReads(); got != 2 {
		t.Fatalf("two lookups without a cache read the table %d times, want 2", got)
	}
}

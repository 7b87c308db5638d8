package service_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"vms/modules/upload/ports"
	"vms/platform/kind"
)

var errOverQuota = kind.New(kind.TooLarge, "over the storage quota")

type settlement struct {
	key           string
	videoID, size int64
}

// fakeQuota grants reservations up to limit bytes per fixture.
type fakeQuota struct {
	limit    int64
	held     map[string]int64
	expires  map[string]time.Time
	settled  []settlement
	released []string
}

var _ ports.Quota = (*fakeQuota)(nil)

func (q *fakeQuota) Reserve(_ context.Context, _ int64, key string, n int64, expires time.Time) error {
	var taken int64
	for _, b := range q.held {
		taken += b
	}
	for _, s := range q.settled {
		taken += s.size
	}
	if taken+n > q.limit {
		return errOverQuota
	}
	q.held[key], q.expires[key] = n, expires
	return nil
}

func (q *fakeQuota) Settle(_ context.Context, _ int64, key string, videoID, size int64) error {
	delete(q.held, key)
	q.settled = append(q.settled, settlement{key: key, videoID: videoID, size: size})
	return nil
}

func (q *fakeQuota) Release(_ context.Context, _ int64, key string) error {
	delete(q.held, key)
	q.released = append(q.released, key)
	return nil
}

func withQuota(f fixture, limit int64) *fakeQuota {
	q := &fakeQuota{limit: limit, held: map[string]int64{}, expires: map[string]time.Time{}}
	f.svc.Quota = q
	return q
}

// Creation reserves the declared length until the upload expires; over the quota the
// upload is not created.
func TestCreateReservesTheLength(t *testing.T) {
	f := newFixture()
	q := withQuota(f, 100)
	ctx := context.Background()
	u, err := f.svc.Create(ctx, admin, 60, false, "a", "")
	if err != nil {
		t.Fatal(err)
	}
	if q.held["tus:"+u.ID] != 60 || !q.expires["tus:"+u.ID].Equal(u.ExpiresAt) {
		t.Fatalf("held %v until %v, want 60 until %v", q.held, q.expires, u.ExpiresAt)
	}
	if _, err := f.svc.Create(ctx, admin, 41, false, "b", ""); !errors.Is(err, errOverQuota) || kind.Of(err) != kind.TooLarge {
		t.Fatalf("over the quota: %v", err)
	}
	if len(f.rows.rows) != 1 || len(q.held) != 1 {
		t.Fatalf("rows %d, held %v", len(f.rows.rows), q.held)
	}
	// A guest or a bad request is refused before any reservation.
	if _, err := f.svc.Create(ctx, guest, 1, false, "c", ""); kind.Of(err) != kind.Forbidden || len(q.held) != 1 {
		t.Fatalf("guest: %v, held %v", err, q.held)
	}
	if _, err := f.svc.Create(ctx, admin, 1, false, "", ""); kind.Of(err) != kind.Invalid || len(q.held) != 1 {
		t.Fatalf("no name: %v, held %v", err, q.held)
	}
}

// Completion settles the reservation to the upload's length in the video's unit of work;
// a file that is not a video, a terminated and an expired upload release theirs.
func TestQuotaFollowsTheUpload(t *testing.T) {
	ctx := context.Background()
	f := newFixture()
	q := withQuota(f, 1000)
	done, _ := f.svc.Create(ctx, admin, 10, false, "done", "")
	if _, err := f.svc.Finish(ctx, admin, done.ID, ports.FinishedFile{Path: "p"}); err != nil {
		t.Fatal(err)
	}
	if len(q.settled) != 1 || q.settled[0] != (settlement{key: "tus:" + done.ID, videoID: 1, size: 10}) {
		t.Fatalf("settled %+v", q.settled)
	}

	f.videos.err = kind.New(kind.UnsupportedMedia, "not a video")
	bad, _ := f.svc.Create(ctx, admin, 20, false, "bad", "")
	if _, err := f.svc.Finish(ctx, admin, bad.ID, ports.FinishedFile{Path: "p"}); kind.Of(err) != kind.UnsupportedMedia {
		t.Fatalf("not a video: %v", err)
	}
	gone, _ := f.svc.Create(ctx, admin, 30, false, "gone", "")
	if err := f.svc.Terminated(ctx, gone); err != nil {
		t.Fatal(err)
	}
	// Terminating a finished upload leaves its video's bytes alone.
	if err := f.svc.Terminated(ctx, f.rows.rows[done.ID]); err != nil {
		t.Fatal(err)
	}
	late, _ := f.svc.Create(ctx, admin, 40, false, "late", "")
	f.clock.Advance(2 * time.Hour)
	if n, err := f.svc.PurgeExpired(ctx); err != nil || n != 1 {
		t.Fatalf("purged %d, %v", n, err)
	}
	want := []string{"tus:" + bad.ID, "tus:" + gone.ID, "tus:" + late.ID}
	if !slices.Equal(q.released, want) || len(q.held) != 0 {
		t.Fatalf("released %v, want %v; held %v", q.released, want, q.held)
	}
}

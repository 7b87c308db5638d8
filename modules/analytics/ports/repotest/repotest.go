// Package repotest is the contract every implementation of the analytics repository must
// meet, run against the in-memory fake and the GORM adapter on SQLite and PostgreSQL.
package repotest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"vms/modules/analytics/domain"
	"vms/modules/analytics/ports"
)

// Env is one repository under test with two videos and two users that exist in it (the
// GORM adapter needs real rows behind the foreign keys), and a video and a user that do
// not.
type Env struct {
	Repo           ports.Repository
	UoW            ports.UnitOfWork
	VideoA, VideoB int64
	UserA, UserB   int64
	GoneVideo      int64
	GoneUser       int64
}

// Run runs the whole contract; newEnv gives a fresh, empty Env per subtest.
func Run(t *testing.T, newEnv func(t *testing.T) Env) {
	t.Run("merge inserts and ORs", func(t *testing.T) { testMerge(t, newEnv(t)) })
	t.Run("gone videos and users are left out", func(t *testing.T) { testGone(t, newEnv(t)) })
	t.Run("rollback", func(t *testing.T) { testRollback(t, newEnv(t)) })
	t.Run("concurrent merges lose nothing", func(t *testing.T) { testConcurrent(t, newEnv(t)) })
}

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func watch(video, user int64, duration int, at time.Time, seconds ...int) domain.Watch {
	w := domain.Watch{VideoID: video, UserID: user, Duration: duration, FirstSeen: at, LastSeen: at}
	for _, s := range seconds {
		w.Seconds.Set(s)
	}
	return w
}

func merge(t *testing.T, e Env, ws ...domain.Watch) {
	t.Helper()
	if err := e.UoW.Do(context.Background(), func(ctx context.Context) error { return e.Repo.Merge(ctx, ws) }); err != nil {
		t.Fatalf("merge: %v", err)
	}
}

func all(t *testing.T, e Env, video int64) map[int64]domain.Watch {
	t.Helper()
	out := map[int64]domain.Watch{}
	err := e.Repo.Each(context.Background(), video, func(w domain.Watch) error {
		if w.VideoID != video {
			t.Errorf("Each(%d) gave a watch of video %d", video, w.VideoID)
		}
		out[w.UserID] = w
		return nil
	})
	if err != nil {
		t.Fatalf("each: %v", err)
	}
	return out
}

func testMerge(t *testing.T, e Env) {
	if got := all(t, e, e.VideoA); len(got) != 0 {
		t.Fatalf("a new repository has %d watches", len(got))
	}
	merge(t, e, watch(e.VideoA, e.UserA, 60, t0, 0, 1, 2), watch(e.VideoA, e.UserB, 60, t0, 10), watch(e.VideoB, e.UserA, 5, t0, 4))
	merge(t, e, watch(e.VideoA, e.UserA, 61, t0.Add(time.Hour), 2, 3, 100), watch(e.VideoA, e.UserA, 61, t0.Add(-time.Hour), 70))
	got := all(t, e, e.VideoA)
	a := got[e.UserA]
	if len(got) != 2 || a.Watched() != 4 || !a.Seconds.Has(100) || !a.Seconds.Has(70) || a.Duration != 61 || a.Furthest() != 61 {
		t.Fatalf("merged watch %+v (of %d)", a, len(got))
	}
	if !a.FirstSeen.Equal(t0.Add(-time.Hour)) || !a.LastSeen.Equal(t0.Add(time.Hour)) {
		t.Fatalf("times %v %v", a.FirstSeen, a.LastSeen)
	}
	if b := got[e.UserB]; b.Watched() != 1 || !b.Seconds.Has(10) || b.Duration != 60 || !b.LastSeen.Equal(t0) {
		t.Fatalf("other user's watch %+v", b)
	}
	if other := all(t, e, e.VideoB); len(other) != 1 || other[e.UserA].Watched() != 1 {
		t.Fatalf("other video's watches %+v", other)
	}
	stop := errors.New("stop")
	calls := 0
	if err := e.Repo.Each(context.Background(), e.VideoA, func(domain.Watch) error { calls++; return stop }); !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("Each did not stop at fn's error: %v after %d calls", err, calls)
	}
}

func testGone(t *testing.T, e Env) {
	merge(t, e, watch(e.GoneVideo, e.UserA, 10, t0, 1), watch(e.VideoA, e.GoneUser, 10, t0, 1), watch(e.VideoA, e.UserA, 10, t0, 1))
	if got := all(t, e, e.VideoA); len(got) != 1 || got[e.UserA].Watched() != 1 {
		t.Fatalf("watches %+v", got)
	}
	if got := all(t, e, e.GoneVideo); len(got) != 0 {
		t.Fatalf("a gone video has watches %+v", got)
	}
}

func testRollback(t *testing.T, e Env) {
	merge(t, e, watch(e.VideoA, e.UserA, 10, t0, 1))
	boom := errors.New("boom")
	err := e.UoW.Do(context.Background(), func(ctx context.Context) error {
		if err := e.Repo.Merge(ctx, []domain.Watch{watch(e.VideoA, e.UserA, 10, t0, 2), watch(e.VideoA, e.UserB, 10, t0, 3)}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("unit of work: %v", err)
	}
	got := all(t, e, e.VideoA)
	if len(got) != 1 || got[e.UserA].Watched() != 1 || got[e.UserA].Seconds.Has(2) {
		t.Fatalf("after a rollback: %+v", got)
	}
}

// Replicas flushing the same pairs at once: every second of every flush is kept.
func testConcurrent(t *testing.T, e Env) {
	const flushes = 8
	var wg sync.WaitGroup
	errs := make(chan error, flushes)
	for i := range flushes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- e.UoW.Do(context.Background(), func(ctx context.Context) error {
				return e.Repo.Merge(ctx, []domain.Watch{watch(e.VideoA, e.UserA, 20, t0, i), watch(e.VideoA, e.UserB, 20, t0, 10+i)})
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("merge: %v", err)
		}
	}
	got := all(t, e, e.VideoA)
	if got[e.UserA].Watched() != flushes || got[e.UserB].Watched() != flushes {
		t.Fatalf("after %d concurrent merges: %d and %d seconds", flushes, got[e.UserA].Watched(), got[e.UserB].Watched())
	}
}

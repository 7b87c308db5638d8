// Package repotest is the contract every implementation of the video repositories must
// meet, run against the in-memory fakes and the GORM adapters on SQLite and PostgreSQL.
package repotest

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"vms/modules/video/domain"
	"vms/modules/video/ports"
)

// Env is one set of repositories under test, with two corporations and two users that
// exist in it (the GORM adapters need real rows behind the foreign keys).
type Env struct {
	Videos       ports.Videos
	ViewLogs     ports.ViewLogs
	UoW          ports.UnitOfWork
	CorpA, CorpB int64
	UserA, UserB int64
}

// Run runs the whole contract; newEnv gives a fresh, empty Env per subtest.
func Run(t *testing.T, newEnv func(t *testing.T) Env) {
	t.Run("create and get", func(t *testing.T) { testCreateGet(t, newEnv(t)) })
	t.Run("tenant scoping", func(t *testing.T) { testTenantScoping(t, newEnv(t)) })
	t.Run("soft delete and restore", func(t *testing.T) { testDeleteRestore(t, newEnv(t)) })
	t.Run("keyset lists", func(t *testing.T) { testLists(t, newEnv(t)) })
	t.Run("delete by corporation", func(t *testing.T) { testDeleteByCorporation(t, newEnv(t)) })
	t.Run("view log insert on conflict", func(t *testing.T) { testViewLogInsert(t, newEnv(t)) })
	t.Run("concurrent view log inserts", func(t *testing.T) { testViewLogConcurrent(t, newEnv(t)) })
	t.Run("visibility", func(t *testing.T) { testVisibility(t, newEnv(t)) })
	t.Run("name search", func(t *testing.T) { testNameSearch(t, newEnv(t)) })
}

var now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func upload(corp int64, key string) domain.Video {
	return domain.Video{Name: "clip " + key, CorporationID: corp, SourceKind: domain.SourceUpload, StorageKey: key,
		ContentType: "video/mp4", SizeBytes: 42, SHA256: "ab12"}
}

func check[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func vid(t *testing.T) func(domain.Video, error) domain.Video      { return check[domain.Video](t) }
func vids(t *testing.T) func([]domain.Video, error) []domain.Video { return check[[]domain.Video](t) }
func num(t *testing.T) func(int64, error) int64                    { return check[int64](t) }

func ctx() context.Context { return context.Background() }

func testCreateGet(t *testing.T, e Env) {
	v := vid(t)(e.Videos.Create(ctx(), upload(e.CorpA, "k1")))
	if v.ID == 0 || v.CreatedAt.IsZero() || v.Deleted || v.DeletedAt != nil {
		t.Fatalf("created %+v", v)
	}
	got := vid(t)(e.Videos.GetLive(ctx(), as(e.CorpA), v.ID))
	if got.Name != "clip k1" || got.StorageKey != "k1" || got.SHA256 != "ab12" || got.SizeBytes != 42 ||
		got.ContentType != "video/mp4" || got.SourceKind != domain.SourceUpload || got.SourceURL != "" || got.CorporationID != e.CorpA {
		t.Fatalf("got %+v", got)
	}
	u := vid(t)(e.Videos.Create(ctx(), domain.Video{Name: "remote", CorporationID: e.CorpB, SourceKind: domain.SourceURL, SourceURL: "https://example.com/a.mp4"}))
	got = vid(t)(e.Videos.GetLive(ctx(), as(e.CorpB), u.ID))
	if got.SourceURL != "https://example.com/a.mp4" || got.StorageKey != "" || got.SourceKind != domain.SourceURL {
		t.Fatalf("url video %+v", got)
	}
	if _, err := e.Videos.GetLive(ctx(), as(e.CorpA), 999999); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
}

func testTenantScoping(t *testing.T, e Env) {
	v := vid(t)(e.Videos.Create(ctx(), upload(e.CorpA, "k1")))
	name := "renamed"
	if _, err := e.Videos.GetOwned(ctx(), e.CorpB, v.ID, false); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("get other tenant: %v", err)
	}
	if _, err := e.Videos.Update(ctx(), e.CorpB, v.ID, domain.Changes{Name: &name}, now); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("update other tenant: %v", err)
	}
	if err := e.Videos.SoftDelete(ctx(), e.CorpB, v.ID, now); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("delete other tenant: %v", err)
	}
	got := vid(t)(e.Videos.Update(ctx(), e.CorpA, v.ID, domain.Changes{Name: &name}, now))
	if got.Name != "renamed" || got.StorageKey != "k1" || !got.UpdatedAt.Equal(now) {
		t.Fatalf("updated %+v", got)
	}
}

func testDeleteRestore(t *testing.T, e Env) {
	v := vid(t)(e.Videos.Create(ctx(), upload(e.CorpA, "k1")))
	if _, err := e.Videos.Restore(ctx(), e.CorpA, v.ID, now); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("restore a live video: %v", err)
	}
	if err := e.Videos.SoftDelete(ctx(), e.CorpA, v.ID, now); err != nil {
		t.Fatal(err)
	}
	if err := e.Videos.SoftDelete(ctx(), e.CorpA, v.ID, now); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if _, err := e.Videos.GetLive(ctx(), as(e.CorpA), v.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("deleted video is readable: %v", err)
	}
	if _, err := e.Videos.GetOwned(ctx(), e.CorpA, v.ID, false); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("deleted video is live to its owner: %v", err)
	}
	name := "x"
	if _, err := e.Videos.Update(ctx(), e.CorpA, v.ID, domain.Changes{Name: &name}, now); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("update deleted: %v", err)
	}
	trashed := vid(t)(e.Videos.GetOwned(ctx(), e.CorpA, v.ID, true))
	if !trashed.Deleted || trashed.DeletedAt == nil || !trashed.DeletedAt.Equal(now) {
		t.Fatalf("trashed %+v", trashed)
	}
	if live := vids(t)(e.Videos.List(ctx(), domain.ListFilter{Viewer: as(e.CorpA)}, 0, 10)); len(live) != 0 {
		t.Fatalf("live list holds a deleted video: %+v", live)
	}
	if _, err := e.Videos.Restore(ctx(), e.CorpB, v.ID, now); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("restore other tenant: %v", err)
	}
	back := vid(t)(e.Videos.Restore(ctx(), e.CorpA, v.ID, now.Add(time.Minute)))
	if back.Deleted || back.DeletedAt != nil {
		t.Fatalf("restored %+v", back)
	}
	vid(t)(e.Videos.GetLive(ctx(), as(e.CorpA), v.ID))
}

func testLists(t *testing.T, e Env) {
	var ids []int64
	for i, corp := range []int64{e.CorpA, e.CorpB, e.CorpA, e.CorpA, e.CorpB} {
		v := vid(t)(e.Videos.Create(ctx(), public(upload(corp, "k"+string(rune('a'+i))))))
		ids = append(ids, v.ID)
	}
	if err := e.Videos.SoftDelete(ctx(), e.CorpA, ids[2], now); err != nil {
		t.Fatal(err)
	}
	all := domain.ListFilter{Viewer: domain.Anonymous}
	page1 := vids(t)(e.Videos.List(ctx(), all, 0, 2))
	page2 := vids(t)(e.Videos.List(ctx(), all, page1[len(page1)-1].ID, 2))
	page3 := vids(t)(e.Videos.List(ctx(), all, page2[len(page2)-1].ID, 2))
	got := idsOf(append(append(page1, page2...), page3...))
	want := []int64{ids[0], ids[1], ids[3], ids[4]}
	if !slices.Equal(got, want) {
		t.Fatalf("live pages %v, want %v", got, want)
	}
	if got := idsOf(vids(t)(e.Videos.List(ctx(), ownedBy(e.CorpA, false), 0, 10))); !slices.Equal(got, []int64{ids[0], ids[3]}) {
		t.Fatalf("corporation A live %v", got)
	}
	if got := idsOf(vids(t)(e.Videos.List(ctx(), ownedBy(e.CorpA, true), 0, 10))); !slices.Equal(got, []int64{ids[2]}) {
		t.Fatalf("corporation A trash %v", got)
	}
	if got := idsOf(vids(t)(e.Videos.List(ctx(), ownedBy(e.CorpB, true), 0, 10))); len(got) != 0 {
		t.Fatalf("corporation B trash %v", got)
	}
}

func testDeleteByCorporation(t *testing.T, e Env) {
	a1 := vid(t)(e.Videos.Create(ctx(), public(upload(e.CorpA, "k1"))))
	vid(t)(e.Videos.Create(ctx(), public(upload(e.CorpA, "k2"))))
	b := vid(t)(e.Videos.Create(ctx(), public(upload(e.CorpB, "k3"))))
	if err := e.Videos.SoftDelete(ctx(), e.CorpA, a1.ID, now); err != nil {
		t.Fatal(err)
	}
	n := num(t)(e.Videos.SoftDeleteByCorporation(ctx(), e.CorpA, now))
	if n != 1 {
		t.Fatalf("deleted %d, want 1 (one was already deleted)", n)
	}
	for id, want := range map[int64]int64{a1.ID: e.CorpA, b.ID: e.CorpB} {
		if corp, ok, err := e.Videos.CorporationOf(ctx(), id); err != nil || !ok || corp != want {
			t.Fatalf("CorporationOf(%d) = %d %v %v, want %d (deleted or not)", id, corp, ok, err, want)
		}
	}
	if _, ok, err := e.Videos.CorporationOf(ctx(), b.ID+1000); err != nil || ok {
		t.Fatalf("CorporationOf(unknown) = %v %v", ok, err)
	}
	if got := idsOf(vids(t)(e.Videos.List(ctx(), domain.ListFilter{Viewer: as(e.CorpA)}, 0, 10))); !slices.Equal(got, []int64{b.ID}) {
		t.Fatalf("live after corporation delete %v", got)
	}
}

func testViewLogInsert(t *testing.T, e Env) {
	v := vid(t)(e.Videos.Create(ctx(), upload(e.CorpA, "k1")))
	if _, ok := must2(t)(e.ViewLogs.Find(ctx(), e.UserA, v.ID)); ok {
		t.Fatal("found a view log before any view")
	}
	first, inserted, err := e.ViewLogs.Insert(ctx(), e.UserA, v.ID, now)
	if err != nil || !inserted || first.ID == 0 || first.UserID != e.UserA || first.VideoID != v.ID {
		t.Fatalf("first insert %+v %v %v", first, inserted, err)
	}
	again, inserted, err := e.ViewLogs.Insert(ctx(), e.UserA, v.ID, now.Add(time.Hour))
	if err != nil || inserted || again.ID != first.ID {
		t.Fatalf("repeat insert %+v inserted=%v err=%v, want the first row", again, inserted, err)
	}
	if !again.CreatedAt.Equal(now) {
		t.Fatalf("repeat changed created_at: %v", again.CreatedAt)
	}
	found, ok := must2(t)(e.ViewLogs.Find(ctx(), e.UserA, v.ID))
	if !ok || found.ID != first.ID {
		t.Fatalf("find %+v %v", found, ok)
	}
	other, inserted, err := e.ViewLogs.Insert(ctx(), e.UserB, v.ID, now)
	if err != nil || !inserted || other.ID == first.ID {
		t.Fatalf("other user %+v %v %v", other, inserted, err)
	}
}

func testViewLogConcurrent(t *testing.T, e Env) {
	v := vid(t)(e.Videos.Create(ctx(), upload(e.CorpA, "k1")))
	const n = 20
	var wg sync.WaitGroup
	var mu sync.Mutex
	inserted := 0
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := e.UoW.Do(ctx(), func(ctx context.Context) error {
				_, ins, err := e.ViewLogs.Insert(ctx, e.UserA, v.ID, now)
				if ins {
					mu.Lock()
					inserted++
					mu.Unlock()
				}
				return err
			})
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if inserted != 1 {
		t.Fatalf("%d inserts reported inserted, want exactly 1", inserted)
	}
}

func must2(t *testing.T) func(domain.ViewLog, bool, error) (domain.ViewLog, bool) {
	return func(l domain.ViewLog, ok bool, err error) (domain.ViewLog, bool) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return l, ok
	}
}

func idsOf(vs []domain.Video) []int64 {
	out := make([]int64, 0, len(vs))
	for _, v := range vs {
		out = append(out, v.ID)
	}
	return out
}

package service_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"vms/modules/usage/domain"
	"vms/modules/usage/fake"
	"vms/modules/usage/service"
	"vms/platform/clock"
	"vms/platform/database/uowtest"
	"vms/platform/kind"
	"vms/platform/principal"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const (
	free   = 1000
	corpA  = 7
	corpB  = 8
	videoA = 70
)

type env struct {
	svc   *service.Service
	repo  *fake.Repository
	plans *fake.Plans
	clock *clock.Fake
	uow   *uowtest.UnitOfWork
}

func newEnv() *env {
	e := &env{repo: fake.NewRepository(), plans: fake.NewPlans(), clock: clock.NewFake(t0)}
	e.uow = &uowtest.UnitOfWork{Stores: []uowtest.Snapshotter{e.repo}}
	l := service.NewLedger(service.Deps{Repo: e.repo, UoW: e.uow, Clock: e.clock, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	e.svc = service.New(l, e.plans, service.Settings{FreeQuota: free, PaidQuota: 0})
	return e
}

func (e *env) account(t *testing.T, corp int64) domain.Account {
	t.Helper()
	a, err := e.repo.Account(context.Background(), corp)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// The quota follows the effective plan: FREE has FREE_STORAGE_QUOTA, PAID none (0), and a
// plan that falls back to FREE over its quota keeps what it stores but cannot upload.
func TestReserveFollowsThePlan(t *testing.T) {
	e := newEnv()
	ctx := context.Background()
	if err := e.svc.Reserve(ctx, corpA, "a", 600, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	err := e.svc.Reserve(ctx, corpA, "b", 401, t0.Add(time.Hour))
	var qe *domain.QuotaExceededError
	if !errors.As(err, &qe) || kind.Of(err) != kind.TooLarge || *qe != (domain.QuotaExceededError{Quota: free, Used: 600, Requested: 401}) {
		t.Fatalf("over the FREE quota: %v (%+v)", err, qe)
	}
	if q, u, r := qe.QuotaExceeded(); q != free || u != 600 || r != 401 || qe.Error() == "" {
		t.Fatalf("figures %d %d %d", q, u, r)
	}
	e.plans.SetPaid(corpA, true)
	if err := e.svc.Reserve(ctx, corpA, "b", 1<<40, t0.Add(time.Hour)); err != nil {
		t.Fatalf("PAID has no limit: %v", err)
	}
	if err := e.svc.Settle(ctx, corpA, "b", videoA, 1<<40); err != nil {
		t.Fatal(err)
	}
	e.plans.SetPaid(corpA, false)
	if err := e.svc.Reserve(ctx, corpA, "c", 1, t0.Add(time.Hour)); kind.Of(err) != kind.TooLarge {
		t.Fatalf("expired to FREE over the quota: %v", err)
	}
	if a := e.account(t, corpA); a.Used != 1<<40 || a.Reserved != 600 {
		t.Fatalf("account %+v: the videos are kept", a)
	}
	// Another corporation has its own quota.
	if err := e.svc.Reserve(ctx, corpB, "d", free, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
}

// Settling turns the reservation into the video's bytes and counts an upload; releasing
// gives it back; both are safe to repeat, and a settled upload whose reservation expired
// still counts.
func TestSettleAndRelease(t *testing.T) {
	e := newEnv()
	ctx := context.Background()
	for _, k := range []string{"a", "b"} {
		if err := e.svc.Reserve(ctx, corpA, k, 400, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.svc.Settle(ctx, corpA, "a", videoA, 350); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Release(ctx, corpA, "b"); err != nil {
		t.Fatal(err)
	}
	_ = e.svc.Release(ctx, corpA, "b")
	_ = e.svc.Release(ctx, corpA, "a")
	if a := e.account(t, corpA); a.Used != 350 || a.Reserved != 0 {
		t.Fatalf("account %+v", a)
	}
	if err := e.svc.Settle(ctx, corpA, "expired", videoA+1, 50); err != nil {
		t.Fatal(err)
	}
	days, _, _ := e.repo.Days(ctx, corpA, domain.DayOf(t0), domain.DayOf(t0))
	if len(days) != 1 || days[0].Uploads != 2 || *days[0].StoredBytes != 400 {
		t.Fatalf("days %+v", days)
	}
	// A failing repository rolls the settlement back whole.
	e.repo.Err = errors.New("db down")
	if err := e.svc.Settle(ctx, corpA, "x", videoA+2, 1); !errors.Is(err, e.repo.Err) {
		t.Fatalf("Settle = %v", err)
	}
	if err := e.svc.Release(ctx, corpA, "x"); !errors.Is(err, e.repo.Err) {
		t.Fatalf("Release = %v", err)
	}
	if err := e.svc.Reserve(ctx, corpA, "x", 1, t0); !errors.Is(err, e.repo.Err) {
		t.Fatalf("Reserve = %v", err)
	}
}

func TestReleaseExpired(t *testing.T) {
	e := newEnv()
	ctx := context.Background()
	for i := range 1200 {
		if err := e.svc.Reserve(ctx, corpB, "k"+time.Duration(i).String(), 0, t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	_ = e.svc.Reserve(ctx, corpA, "late", 10, t0.Add(time.Hour))
	if n, err := e.svc.ReleaseExpired(ctx); err != nil || n != 0 {
		t.Fatalf("before expiry: %d %v", n, err)
	}
	e.clock.Advance(time.Minute)
	if n, err := e.svc.ReleaseExpired(ctx); err != nil || n != 1200 {
		t.Fatalf("released %d, %v; want 1200 over three batches", n, err)
	}
	if a := e.account(t, corpA); a.Reserved != 10 {
		t.Fatalf("an unexpired reservation went: %+v", a)
	}
	e.repo.Err = errors.New("db down")
	if _, err := e.svc.ReleaseExpired(ctx); !errors.Is(err, e.repo.Err) {
		t.Fatalf("ReleaseExpired = %v", err)
	}
}

// Derived files count; processing again replaces their size; a video without a record is
// left alone.
func TestDerivedChanged(t *testing.T) {
	e := newEnv()
	ctx := context.Background()
	_ = e.svc.Reserve(ctx, corpA, "a", 100, t0.Add(time.Hour))
	_ = e.svc.Settle(ctx, corpA, "a", videoA, 100)
	for _, n := range []int64{300, 120} {
		if err := e.svc.DerivedChanged(ctx, videoA, n); err != nil {
			t.Fatal(err)
		}
	}
	if a := e.account(t, corpA); a.Used != 220 {
		t.Fatalf("account %+v, want 100 + 120", a)
	}
	if err := e.svc.DerivedChanged(ctx, 999, 5); err != nil {
		t.Fatalf("unknown video: %v", err)
	}
	e.repo.Err = errors.New("db down")
	if err := e.svc.DerivedChanged(ctx, videoA, 1); !errors.Is(err, e.repo.Err) {
		t.Fatalf("DerivedChanged = %v", err)
	}
}

var (
	adminA = principal.Principal{UserID: 1, CorporationID: corpA, Role: principal.RoleAdmin}
	guestA = principal.Principal{UserID: 2, CorporationID: corpA, Role: principal.RoleGuest}
)

func TestReport(t *testing.T) {
	e := newEnv()
	ctx := context.Background()
	today := domain.DayOf(t0)
	_ = e.svc.Reserve(ctx, corpA, "a", 100, t0.Add(time.Hour))
	_ = e.svc.Settle(ctx, corpA, "a", videoA, 100)
	_ = e.svc.Reserve(ctx, corpA, "b", 30, t0.Add(time.Hour))
	_ = e.repo.AddTraffic(ctx, []domain.Traffic{{CorporationID: corpA, Day: today - 1, EgressBytes: 5, FirstViews: 1}, {CorporationID: corpA, Day: today, EgressBytes: 9}})

	r, err := e.svc.Report(ctx, adminA, corpA, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if r.QuotaBytes != free || r.UsedBytes != 100 || r.ReservedBytes != 30 || len(r.Days) != 30 || r.Days[29].Day != today || r.Days[0].Day != today-29 {
		t.Fatalf("report %+v", r)
	}
	if d := r.Days[28]; d.EgressBytes != 5 || d.FirstViews != 1 || d.StoredBytes != 0 {
		t.Fatalf("yesterday %+v", d)
	}
	if d := r.Days[29]; d.EgressBytes != 9 || d.Uploads != 1 || d.StoredBytes != 100 {
		t.Fatalf("today %+v", d)
	}
	// Later days carry the level on.
	later := t0.AddDate(0, 0, 3).Format(time.DateOnly)
	r, err = e.svc.Report(ctx, adminA, corpA, t0.AddDate(0, 0, 1).Format(time.DateOnly), later)
	if err != nil || len(r.Days) != 3 || r.Days[2].StoredBytes != 100 || r.Days[2].Day.String() != later {
		t.Fatalf("later report %+v %v", r, err)
	}
	e.plans.SetPaid(corpA, true)
	if r, _ := e.svc.Report(ctx, adminA, corpA, "", ""); r.QuotaBytes != 0 {
		t.Fatalf("PAID quota %d, want 0 (no limit)", r.QuotaBytes)
	}

	for _, tc := range []struct {
		name     string
		caller   principal.Principal
		corp     int64
		from, to string
		want     kind.Kind
	}{
		{"guest", guestA, corpA, "", "", kind.Forbidden},
		{"guest of another corporation", guestA, corpB, "", "", kind.Forbidden},
		{"another corporation", adminA, corpB, "", "", kind.NotFound},
		{"bad date", adminA, corpA, "2026-02-30", "", kind.Invalid},
		{"from after to", adminA, corpA, "2026-03-02", "2026-03-01", kind.Invalid},
		{"too long", adminA, corpA, "2025-01-01", "2026-01-02", kind.Invalid},
	} {
		if _, err := e.svc.Report(ctx, tc.caller, tc.corp, tc.from, tc.to); kind.Of(err) != tc.want {
			t.Errorf("%s: %v, want kind %v", tc.name, err, tc.want)
		}
	}
	if r, err := e.svc.Report(ctx, adminA, corpA, "2025-01-01", "2026-01-01"); err != nil || len(r.Days) != 366 {
		t.Fatalf("366 days: %d %v", len(r.Days), err)
	}
}

// The meter counts in memory and writes one row per corporation and day per flush;
// nothing is lost to a failed flush, and counting goes on while it runs.
func TestMeter(t *testing.T) {
	e := newEnv()
	ctx := context.Background()
	m := service.NewMeter(e.repo, e.uow, e.clock, nil)
	today := domain.DayOf(t0)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 1000 {
				m.Served(corpA, 3)
				m.Served(corpB, 1)
			}
			m.FirstView(corpA)
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 20 {
			_ = m.Flush(ctx)
		}
	}()
	wg.Wait()
	m.Served(corpA, 0)
	m.Served(0, 5)
	m.FirstView(0)
	e.repo.Err = errors.New("db down")
	if err := m.Flush(ctx); err != nil && !errors.Is(err, e.repo.Err) {
		t.Fatal(err)
	}
	e.repo.Err = nil
	e.clock.Advance(24 * time.Hour)
	m.Served(corpA, 11)
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	days, _, _ := e.repo.Days(ctx, corpA, today, today+1)
	if len(days) != 2 || days[0].EgressBytes != 24000 || days[0].FirstViews != 8 || days[1].EgressBytes != 11 {
		t.Fatalf("days of A %+v", days)
	}
	if days, _, _ := e.repo.Days(ctx, corpB, today, today); len(days) != 1 || days[0].EgressBytes != 8000 {
		t.Fatalf("days of B %+v", days)
	}
	if egress, views, _ := m.Flushed(); egress != 32011 || views != 8 {
		t.Fatalf("flushed %d bytes, %d views", egress, views)
	}
	// An empty flush writes nothing.
	before := e.repo.Called("AddTraffic")
	if err := m.Flush(ctx); err != nil || e.repo.Called("AddTraffic") != before {
		t.Fatalf("empty flush: %v, %d calls", err, e.repo.Called("AddTraffic")-before)
	}
}

// Start flushes every interval; Stop flushes what is left.
func TestMeterStartStop(t *testing.T) {
	e := newEnv()
	m := service.NewMeter(e.repo, e.uow, e.clock, nil)
	m.Start(10 * time.Millisecond)
	m.Served(corpA, 5)
	deadline := time.Now().Add(5 * time.Second)
	for e.repo.Called("AddTraffic") == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	m.Served(corpA, 7)
	if err := m.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	days, _, _ := e.repo.Days(context.Background(), corpA, domain.DayOf(t0), domain.DayOf(t0))
	if len(days) != 1 || days[0].EgressBytes != 12 {
		t.Fatalf("days %+v", days)
	}
}

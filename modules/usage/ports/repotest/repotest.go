// Package repotest is the contract every usage ports.Repository must meet; the in-memory
// fake and the GORM adapter on SQLite and PostgreSQL all run it.
package repotest

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"vms/modules/usage/domain"
	"vms/modules/usage/ports"
)

// Env is one repository under test, the unit of work it joins, and seeders of the rows
// its tables refer to.
type Env struct {
	Repo ports.Repository
	UoW  ports.UnitOfWork
	// Corporation returns a new corporation's id.
	Corporation func(t *testing.T) int64
	// Video returns a new video of the corporation.
	Video func(t *testing.T, corporationID int64) int64
}

var (
	t0    = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	today = domain.DayOf(t0)
)

func (e Env) do(t *testing.T, fn func(ctx context.Context) error) {
	t.Helper()
	if err := e.UoW.Do(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func (e Env) reserve(t *testing.T, corp int64, key string, n, quota int64, expires time.Time) (domain.Account, bool) {
	t.Helper()
	var (
		acc domain.Account
		ok  bool
	)
	e.do(t, func(ctx context.Context) error {
		var err error
		acc, ok, err = e.Repo.Reserve(ctx, corp, key, n, quota, expires)
		return err
	})
	return acc, ok
}

func (e Env) account(t *testing.T, corp int64) domain.Account {
	t.Helper()
	acc, err := e.Repo.Account(context.Background(), corp)
	if err != nil {
		t.Fatal(err)
	}
	return acc
}

func (e Env) expect(t *testing.T, corp, used, reserved int64) {
	t.Helper()
	if acc := e.account(t, corp); acc.Used != used || acc.Reserved != reserved || acc.CorporationID != corp {
		t.Fatalf("account %+v, want used %d reserved %d", acc, used, reserved)
	}
}

func (e Env) addVideo(t *testing.T, corp, video, bytes int64, day domain.Day) bool {
	t.Helper()
	var added bool
	e.do(t, func(ctx context.Context) error {
		var err error
		added, err = e.Repo.AddVideo(ctx, corp, video, bytes, day)
		return err
	})
	return added
}

func (e Env) setDerived(t *testing.T, video, bytes int64, day domain.Day) bool {
	t.Helper()
	var found bool
	e.do(t, func(ctx context.Context) error {
		var err error
		found, err = e.Repo.SetDerived(ctx, video, bytes, day)
		return err
	})
	return found
}

func (e Env) days(t *testing.T, corp int64, first, last domain.Day) ([]domain.DayRecord, int64) {
	t.Helper()
	rs, before, err := e.Repo.Days(context.Background(), corp, first, last)
	if err != nil {
		t.Fatal(err)
	}
	return rs, before
}

func stored(d domain.DayRecord) int64 {
	if d.StoredBytes == nil {
		return -1
	}
	return *d.StoredBytes
}

// Run runs the contract; newEnv returns a fresh, empty repository each time.
func Run(t *testing.T, newEnv func(t *testing.T) Env) {
	ctx := context.Background()
	t.Run("reserve within the quota and refuse beyond it", func(t *testing.T) {
		e := newEnv(t)
		corp, other := e.Corporation(t), e.Corporation(t)
		e.expect(t, corp, 0, 0)
		if acc, ok := e.reserve(t, corp, "a", 600, 1000, t0); !ok || acc.Reserved != 600 {
			t.Fatalf("first reservation: %+v %v", acc, ok)
		}
		if acc, ok := e.reserve(t, corp, "b", 401, 1000, t0); ok || acc.Reserved != 600 || acc.Used != 0 {
			t.Fatalf("over the quota: %+v %v", acc, ok)
		}
		if _, ok := e.reserve(t, corp, "b", 400, 1000, t0); !ok {
			t.Fatal("exactly the quota was refused")
		}
		e.expect(t, corp, 0, 1000)
		if _, ok := e.reserve(t, corp, "c", 0, 1000, t0); !ok {
			t.Fatal("an empty reservation at the quota was refused")
		}
		if _, ok := e.reserve(t, corp, "d", 1<<50, 0, t0); !ok {
			t.Fatal("quota 0 refused a reservation")
		}
		e.expect(t, corp, 0, 1000+1<<50)
		e.expect(t, other, 0, 0)
	})
	t.Run("unreserve gives the bytes back once", func(t *testing.T) {
		e := newEnv(t)
		corp, other := e.Corporation(t), e.Corporation(t)
		e.reserve(t, corp, "a", 700, 1000, t0)
		var found bool
		e.do(t, func(ctx context.Context) error {
			var err error
			found, err = e.Repo.Unreserve(ctx, other, "a")
			return err
		})
		if found {
			t.Fatal("another corporation released the reservation")
		}
		for i, want := range []bool{true, false} {
			e.do(t, func(ctx context.Context) error {
				var err error
				found, err = e.Repo.Unreserve(ctx, corp, "a")
				return err
			})
			if found != want {
				t.Fatalf("unreserve #%d: found %v", i+1, found)
			}
		}
		e.expect(t, corp, 0, 0)
		if _, ok := e.reserve(t, corp, "b", 1000, 1000, t0); !ok {
			t.Fatal("released bytes are still taken")
		}
	})
	t.Run("expired reservations go back in batches", func(t *testing.T) {
		e := newEnv(t)
		a, b := e.Corporation(t), e.Corporation(t)
		for i := range 5 {
			e.reserve(t, a, "a"+strconv.Itoa(i), 10, 0, t0.Add(time.Duration(i)*time.Minute))
		}
		e.reserve(t, b, "b", 7, 0, t0)
		e.reserve(t, b, "later", 3, 0, t0.Add(time.Hour))
		var n int
		e.do(t, func(ctx context.Context) error {
			var err error
			n, err = e.Repo.UnreserveExpired(ctx, t0.Add(10*time.Minute), 4)
			return err
		})
		if n != 4 {
			t.Fatalf("first batch released %d, want 4", n)
		}
		e.do(t, func(ctx context.Context) error {
			var err error
			n, err = e.Repo.UnreserveExpired(ctx, t0.Add(10*time.Minute), 4)
			return err
		})
		if n != 2 {
			t.Fatalf("second batch released %d, want 2", n)
		}
		e.expect(t, a, 0, 0)
		e.expect(t, b, 0, 3)
	})
	t.Run("stored videos, derived files and the day's level", func(t *testing.T) {
		e := newEnv(t)
		corp := e.Corporation(t)
		v1, v2 := e.Video(t, corp), e.Video(t, corp)
		if !e.addVideo(t, corp, v1, 1000, today) || e.addVideo(t, corp, v1, 1000, today) {
			t.Fatal("a video is added once")
		}
		e.addVideo(t, corp, v2, 500, today+1)
		e.expect(t, corp, 1500, 0)
		if !e.setDerived(t, v1, 300, today+1) {
			t.Fatal("derived files of a recorded video")
		}
		e.expect(t, corp, 1800, 0)
		// Processing again replaces the files: the old ones are subtracted.
		e.setDerived(t, v1, 120, today+2)
		e.setDerived(t, v1, 120, today+2)
		e.expect(t, corp, 1620, 0)
		if e.setDerived(t, 1<<40, 5, today) {
			t.Fatal("derived files of an unknown video were recorded")
		}
		days, before := e.days(t, corp, today, today+2)
		if before != 0 || len(days) != 3 {
			t.Fatalf("days %+v before %d", days, before)
		}
		if days[0].Day != today || stored(days[0]) != 1000 || days[0].Uploads != 1 ||
			stored(days[1]) != 1800 || days[1].Uploads != 1 || stored(days[2]) != 1620 || days[2].Uploads != 0 {
			t.Fatalf("days %+v", days)
		}
		if _, before := e.days(t, corp, today+3, today+5); before != 1620 {
			t.Fatalf("level before a later period %d, want 1620", before)
		}
		if _, before := e.days(t, corp, today+2, today+2); before != 1800 {
			t.Fatalf("level before the third day %d, want 1800", before)
		}
	})
	t.Run("traffic adds up per corporation and day, leaving the level", func(t *testing.T) {
		e := newEnv(t)
		a, b := e.Corporation(t), e.Corporation(t)
		e.addVideo(t, a, e.Video(t, a), 100, today)
		for range 2 {
			e.do(t, func(ctx context.Context) error {
				return e.Repo.AddTraffic(ctx, []domain.Traffic{
					{CorporationID: a, Day: today, EgressBytes: 10, FirstViews: 1},
					{CorporationID: a, Day: today + 1, EgressBytes: 5},
					{CorporationID: b, Day: today, EgressBytes: 1 << 40, FirstViews: 2},
				})
			})
		}
		days, _ := e.days(t, a, today-1, today+1)
		if len(days) != 2 || days[0].EgressBytes != 20 || days[0].FirstViews != 2 || stored(days[0]) != 100 ||
			days[1].EgressBytes != 10 || days[1].FirstViews != 0 || stored(days[1]) != -1 {
			t.Fatalf("days of a: %+v", days)
		}
		if days, _ := e.days(t, b, today, today); len(days) != 1 || days[0].EgressBytes != 2<<40 || days[0].FirstViews != 4 || stored(days[0]) != -1 {
			t.Fatalf("days of b: %+v", days)
		}
	})
	t.Run("totals", func(t *testing.T) {
		e := newEnv(t)
		a, b := e.Corporation(t), e.Corporation(t)
		e.addVideo(t, a, e.Video(t, a), 100, today)
		e.addVideo(t, b, e.Video(t, b), 50, today)
		e.reserve(t, b, "r", 25, 0, t0)
		s, r, err := e.Repo.Totals(ctx)
		if err != nil || s != 150 || r != 25 {
			t.Fatalf("totals %d %d %v", s, r, err)
		}
	})
	t.Run("concurrent reservations never overshoot", func(t *testing.T) {
		e := newEnv(t)
		corp := e.Corporation(t)
		e.addVideo(t, corp, e.Video(t, corp), 900, today)
		const quota, n, each = 1000, 20, 30
		var granted atomic.Int64
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := e.UoW.Do(ctx, func(ctx context.Context) error {
					_, ok, err := e.Repo.Reserve(ctx, corp, "c"+strconv.Itoa(i), each, quota, t0)
					if ok {
						granted.Add(1)
					}
					return err
				})
				if err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if granted.Load() != 3 {
			t.Fatalf("%d reservations of %d bytes granted over 900 stored with a quota of 1000, want 3", granted.Load(), each)
		}
		e.expect(t, corp, 900, 90)
	})
}

// RunRollback checks that a failed unit of work leaves no reservation, stored bytes or
// day behind.
func RunRollback(t *testing.T, e Env) {
	corp := e.Corporation(t)
	video := e.Video(t, corp)
	boom := errors.New("later step failed")
	err := e.UoW.Do(context.Background(), func(ctx context.Context) error {
		if _, ok, err := e.Repo.Reserve(ctx, corp, "r", 10, 100, t0); err != nil || !ok {
			t.Fatalf("reserve: %v %v", ok, err)
		}
		if _, err := e.Repo.AddVideo(ctx, corp, video, 40, today); err != nil {
			t.Fatal(err)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Do = %v", err)
	}
	e.expect(t, corp, 0, 0)
	if days, _ := e.days(t, corp, today, today); len(days) != 0 {
		t.Fatalf("days after rollback: %+v", days)
	}
	if !e.addVideo(t, corp, video, 40, today) {
		t.Fatal("the rolled back video stays recorded")
	}
}

// Package repotest is the contract every corporation ports.Repository must meet; the
// in-memory fake and the GORM adapter on SQLite and PostgreSQL all run it.
package repotest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"vms/modules/corporation/domain"
	"vms/modules/corporation/ports"
)

// Env is one repository under test with the unit of work it joins.
type Env struct {
	Repo ports.Repository
	UoW  ports.UnitOfWork
}

var t0 = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

func ptr(t time.Time) *time.Time { return &t }

func mustCreate(t *testing.T, r ports.Repository, name string, plan domain.Plan, exp *time.Time) domain.Corporation {
	t.Helper()
	c, err := r.Create(context.Background(), domain.Details{Name: name, PlanType: plan, PlanExpiredAt: exp}, t0)
	if err != nil {
		t.Fatalf("create %q: %v", name, err)
	}
	return c
}

// Run runs the contract; newEnv returns a fresh, empty repository each time.
func Run(t *testing.T, newEnv func(t *testing.T) Env) {
	ctx := context.Background()
	t.Run("create and get", func(t *testing.T) {
		r := newEnv(t).Repo
		c := mustCreate(t, r, "Acme", domain.PlanPaid, ptr(t0.Add(time.Hour)))
		if c.ID <= 0 || c.Name != "Acme" || c.PlanType != domain.PlanPaid || !c.CreatedAt.Equal(t0) {
			t.Fatalf("created %+v", c)
		}
		got, err := r.Get(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Acme" || got.PlanExpiredAt == nil || !got.PlanExpiredAt.Equal(t0.Add(time.Hour)) || got.PlanExpiredAt.Location() != time.UTC {
			t.Fatalf("got %+v", got)
		}
		if _, err := r.Get(ctx, c.ID+1000); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("unknown id: %v", err)
		}
	})
	t.Run("name unique among live rows ignoring case", func(t *testing.T) {
		r := newEnv(t).Repo
		a := mustCreate(t, r, "Acme", domain.PlanFree, nil)
		if _, err := r.Create(ctx, domain.Details{Name: "ACME", PlanType: domain.PlanFree}, t0); !errors.Is(err, domain.ErrNameTaken) {
			t.Fatalf("duplicate: %v", err)
		}
		b := mustCreate(t, r, "Other", domain.PlanFree, nil)
		if _, err := r.Update(ctx, b.ID, domain.Details{Name: "acme", PlanType: domain.PlanFree}, t0); !errors.Is(err, domain.ErrNameTaken) {
			t.Fatalf("rename onto taken name: %v", err)
		}
		if err := r.SoftDelete(ctx, a.ID, t0); err != nil {
			t.Fatal(err)
		}
		mustCreate(t, r, "acme", domain.PlanFree, nil)
	})
	t.Run("concurrent creates of one name", func(t *testing.T) {
		r := newEnv(t).Repo
		const n = 8
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				name := "Race"
				if i%2 == 1 {
					name = "RACE"
				}
				_, err := r.Create(ctx, domain.Details{Name: name, PlanType: domain.PlanFree}, t0)
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		created := 0
		for err := range errs {
			switch {
			case err == nil:
				created++
			case !errors.Is(err, domain.ErrNameTaken):
				t.Errorf("unexpected error: %v", err)
			}
		}
		if created != 1 {
			t.Fatalf("%d corporations created, want 1", created)
		}
	})
	t.Run("get by name ignores case", func(t *testing.T) {
		r := newEnv(t).Repo
		c := mustCreate(t, r, "Acme Corp", domain.PlanFree, nil)
		got, err := r.GetByName(ctx, "aCME corp")
		if err != nil || got.ID != c.ID {
			t.Fatalf("got %+v, %v", got, err)
		}
		if _, err := r.GetByName(ctx, "Acme"); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("prefix: %v", err)
		}
	})
	t.Run("soft deleted rows are invisible", func(t *testing.T) {
		r := newEnv(t).Repo
		c := mustCreate(t, r, "Gone", domain.PlanFree, nil)
		if err := r.SoftDelete(ctx, c.ID, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Get(ctx, c.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("get: %v", err)
		}
		if _, err := r.GetByName(ctx, "Gone"); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("by name: %v", err)
		}
		if list, _ := r.List(ctx, 0, 10); len(list) != 0 {
			t.Fatalf("list: %+v", list)
		}
		if err := r.SoftDelete(ctx, c.ID, t0); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("second delete: %v", err)
		}
		if _, err := r.Update(ctx, c.ID, domain.Details{Name: "Back", PlanType: domain.PlanFree}, t0); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("update: %v", err)
		}
	})
	t.Run("update", func(t *testing.T) {
		r := newEnv(t).Repo
		c := mustCreate(t, r, "Acme", domain.PlanFree, nil)
		later := t0.Add(time.Minute)
		got, err := r.Update(ctx, c.ID, domain.Details{Name: "Acme 2", PlanType: domain.PlanPaid, PlanExpiredAt: ptr(t0.Add(48 * time.Hour))}, later)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Acme 2" || got.PlanType != domain.PlanPaid || !got.PlanExpiredAt.Equal(t0.Add(48*time.Hour)) || !got.UpdatedAt.Equal(later) || !got.CreatedAt.Equal(t0) {
			t.Fatalf("updated %+v", got)
		}
	})
	t.Run("keyset list", func(t *testing.T) {
		r := newEnv(t).Repo
		var ids []int64
		for _, n := range []string{"a", "b", "c", "d", "e"} {
			ids = append(ids, mustCreate(t, r, n, domain.PlanFree, nil).ID)
		}
		first, err := r.List(ctx, 0, 2)
		if err != nil || len(first) != 2 || first[0].ID != ids[0] || first[1].ID != ids[1] {
			t.Fatalf("first page %+v %v", first, err)
		}
		rest, err := r.List(ctx, first[1].ID, 10)
		if err != nil || len(rest) != 3 || rest[0].ID != ids[2] || rest[2].ID != ids[4] {
			t.Fatalf("rest %+v %v", rest, err)
		}
	})
	t.Run("downgrade expired", func(t *testing.T) {
		r := newEnv(t).Repo
		expired := mustCreate(t, r, "expired", domain.PlanPaid, ptr(t0.Add(-time.Second)))
		exact := mustCreate(t, r, "exact", domain.PlanPaid, ptr(t0))
		current := mustCreate(t, r, "current", domain.PlanPaid, ptr(t0.Add(time.Millisecond)))
		free := mustCreate(t, r, "free", domain.PlanFree, ptr(t0.Add(-time.Hour)))
		changed, err := r.DowngradeExpired(ctx, t0)
		if err != nil || len(changed) != 2 {
			t.Fatalf("changed %+v, %v; want 2", changed, err)
		}
		byID := map[int64]domain.Corporation{}
		for _, c := range changed {
			byID[c.ID] = c
		}
		for _, want := range []domain.Corporation{expired, exact} {
			c, ok := byID[want.ID]
			if !ok || c.PlanType != domain.PlanFree || c.PlanExpiredAt == nil || !c.PlanExpiredAt.Equal(*want.PlanExpiredAt) || c.Name != want.Name {
				t.Fatalf("changed %+v, want %s FREE with its expiry kept", changed, want.Name)
			}
		}
		for id, want := range map[int64]domain.Plan{expired.ID: domain.PlanFree, exact.ID: domain.PlanFree, current.ID: domain.PlanPaid, free.ID: domain.PlanFree} {
			c, err := r.Get(ctx, id)
			if err != nil || c.PlanType != want {
				t.Fatalf("corporation %d: %+v %v, want %s", id, c, err, want)
			}
		}
		if again, err := r.DowngradeExpired(ctx, t0); err != nil || len(again) != 0 {
			t.Fatalf("second run changed %+v, %v", again, err)
		}
	})
}

// RunRollback checks that a failed unit of work leaves no corporation behind.
func RunRollback(t *testing.T, env Env) {
	ctx := context.Background()
	boom := errors.New("boom")
	err := env.UoW.Do(ctx, func(ctx context.Context) error {
		if _, err := env.Repo.Create(ctx, domain.Details{Name: "Rolled", PlanType: domain.PlanFree}, t0); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Do: %v", err)
	}
	if _, err := env.Repo.GetByName(ctx, "Rolled"); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("after rollback: %v", err)
	}
}

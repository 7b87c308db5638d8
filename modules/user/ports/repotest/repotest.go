// Package repotest is the contract every user ports.Repository must meet; the in-memory
// fake and the GORM adapter on SQLite and PostgreSQL all run it.
package repotest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"vms/modules/user/domain"
	"vms/modules/user/ports"
)

// Env is one repository under test, the unit of work it joins, and a way to make a
// corporation its users can belong to.
type Env struct {
	Repo           ports.Repository
	UoW            ports.UnitOfWork
	NewCorporation func(t *testing.T) int64
}

var t0 = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

func mustCreate(t *testing.T, r ports.Repository, corp int64, email string, role domain.Role) domain.User {
	t.Helper()
	u, err := r.Create(context.Background(), domain.NewUser{Email: email, PasswordHash: "h:" + email, Role: role, CorporationID: corp}, t0)
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	return u
}

// Run runs the contract; newEnv returns a fresh, empty repository each time.
func Run(t *testing.T, newEnv func(t *testing.T) Env) {
	ctx := context.Background()
	t.Run("create and read", func(t *testing.T) {
		e := newEnv(t)
		corp := e.NewCorporation(t)
		u := mustCreate(t, e.Repo, corp, "a@x.io", domain.RoleAdmin)
		if u.ID <= 0 || u.Email != "a@x.io" || u.Role != domain.RoleAdmin || u.CorporationID != corp || u.Point != 0 || !u.CreatedAt.Equal(t0) {
			t.Fatalf("created %+v", u)
		}
		for name, get := range map[string]func() (domain.User, error){
			"get":          func() (domain.User, error) { return e.Repo.Get(ctx, corp, u.ID) },
			"by e-mail":    func() (domain.User, error) { return e.Repo.GetByEmail(ctx, corp, "a@x.io") },
			"find":         func() (domain.User, error) { return e.Repo.FindLive(ctx, u.ID) },
			"find by mail": func() (domain.User, error) { return e.Repo.FindLiveByEmail(ctx, "a@x.io") },
		} {
			got, err := get()
			if err != nil || got.ID != u.ID || got.PasswordHash != "h:a@x.io" || got.CreatedAt.Location() != time.UTC {
				t.Errorf("%s: %+v %v", name, got, err)
			}
		}
	})
	t.Run("tenant scoping", func(t *testing.T) {
		e := newEnv(t)
		a, b := e.NewCorporation(t), e.NewCorporation(t)
		u := mustCreate(t, e.Repo, a, "a@x.io", domain.RoleGuest)
		if _, err := e.Repo.Get(ctx, b, u.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("get from other corporation: %v", err)
		}
		if _, err := e.Repo.GetByEmail(ctx, b, "a@x.io"); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("by e-mail from other corporation: %v", err)
		}
		if _, err := e.Repo.Update(ctx, b, u.ID, domain.Change{}, t0); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("update from other corporation: %v", err)
		}
		if err := e.Repo.SoftDelete(ctx, b, u.ID, t0); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("delete from other corporation: %v", err)
		}
		if list, _ := e.Repo.List(ctx, b, 0, 10); len(list) != 0 {
			t.Errorf("list of other corporation: %+v", list)
		}
		if _, err := e.Repo.Get(ctx, a, u.ID); err != nil {
			t.Errorf("user changed: %v", err)
		}
	})
	t.Run("e-mail unique among live users", func(t *testing.T) {
		e := newEnv(t)
		a, b := e.NewCorporation(t), e.NewCorporation(t)
		u := mustCreate(t, e.Repo, a, "a@x.io", domain.RoleGuest)
		if _, err := e.Repo.Create(ctx, domain.NewUser{Email: "a@x.io", PasswordHash: "h", Role: domain.RoleGuest, CorporationID: b}, t0); !errors.Is(err, domain.ErrEmailTaken) {
			t.Fatalf("duplicate: %v", err)
		}
		if err := e.Repo.SoftDelete(ctx, a, u.ID, t0); err != nil {
			t.Fatal(err)
		}
		mustCreate(t, e.Repo, b, "a@x.io", domain.RoleGuest)
	})
	t.Run("concurrent creates of one e-mail", func(t *testing.T) {
		e := newEnv(t)
		corp := e.NewCorporation(t)
		const n = 8
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := e.Repo.Create(ctx, domain.NewUser{Email: "race@x.io", PasswordHash: "h", Role: domain.RoleGuest, CorporationID: corp}, t0)
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
			case !errors.Is(err, domain.ErrEmailTaken):
				t.Errorf("unexpected error: %v", err)
			}
		}
		if created != 1 {
			t.Fatalf("%d users created, want 1", created)
		}
	})
	t.Run("soft deleted users are invisible", func(t *testing.T) {
		e := newEnv(t)
		corp := e.NewCorporation(t)
		u := mustCreate(t, e.Repo, corp, "a@x.io", domain.RoleGuest)
		if err := e.Repo.SoftDelete(ctx, corp, u.ID, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Repo.Get(ctx, corp, u.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("get: %v", err)
		}
		if _, err := e.Repo.FindLive(ctx, u.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("find: %v", err)
		}
		if _, err := e.Repo.FindLiveByEmail(ctx, "a@x.io"); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("find by e-mail: %v", err)
		}
		if err := e.Repo.SoftDelete(ctx, corp, u.ID, t0); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("second delete: %v", err)
		}
	})
	t.Run("update", func(t *testing.T) {
		e := newEnv(t)
		corp := e.NewCorporation(t)
		u := mustCreate(t, e.Repo, corp, "a@x.io", domain.RoleGuest)
		hash, role, later := "new-hash", domain.RoleAdmin, t0.Add(time.Minute)
		got, err := e.Repo.Update(ctx, corp, u.ID, domain.Change{PasswordHash: &hash, Role: &role}, later)
		if err != nil || got.PasswordHash != hash || got.Role != role || !got.UpdatedAt.Equal(later) || got.Email != "a@x.io" {
			t.Fatalf("updated %+v %v", got, err)
		}
		got, err = e.Repo.Update(ctx, corp, u.ID, domain.Change{}, later)
		if err != nil || got.PasswordHash != hash || got.Role != role {
			t.Fatalf("empty change %+v %v", got, err)
		}
	})
	t.Run("password change time", func(t *testing.T) {
		e := newEnv(t)
		corp := e.NewCorporation(t)
		u := mustCreate(t, e.Repo, corp, "a@x.io", domain.RoleGuest)
		if !u.PasswordChangedAt.IsZero() {
			t.Fatalf("new user has a password change time: %v", u.PasswordChangedAt)
		}
		hash, at := "new-hash", domain.PasswordChangeTime(t0.Add(1500*time.Microsecond))
		if _, err := e.Repo.Update(ctx, corp, u.ID, domain.Change{PasswordHash: &hash, PasswordChangedAt: &at}, t0); err != nil {
			t.Fatal(err)
		}
		for name, get := range map[string]func() (domain.User, error){
			"get":          func() (domain.User, error) { return e.Repo.Get(ctx, corp, u.ID) },
			"find":         func() (domain.User, error) { return e.Repo.FindLive(ctx, u.ID) },
			"find by mail": func() (domain.User, error) { return e.Repo.FindLiveByEmail(ctx, "a@x.io") },
		} {
			got, err := get()
			if err != nil || !got.PasswordChangedAt.Equal(at) || got.PasswordChangedAt.Location() != time.UTC {
				t.Errorf("%s: changed at %v (want %v), %v", name, got.PasswordChangedAt, at, err)
			}
		}
	})
	t.Run("keyset list", func(t *testing.T) {
		e := newEnv(t)
		corp, other := e.NewCorporation(t), e.NewCorporation(t)
		var ids []int64
		for _, m := range []string{"a@x.io", "b@x.io", "c@x.io"} {
			ids = append(ids, mustCreate(t, e.Repo, corp, m, domain.RoleGuest).ID)
			mustCreate(t, e.Repo, other, "o"+m, domain.RoleGuest)
		}
		first, err := e.Repo.List(ctx, corp, 0, 2)
		if err != nil || len(first) != 2 || first[0].ID != ids[0] || first[1].ID != ids[1] {
			t.Fatalf("first %+v %v", first, err)
		}
		rest, err := e.Repo.List(ctx, corp, first[1].ID, 2)
		if err != nil || len(rest) != 1 || rest[0].ID != ids[2] {
			t.Fatalf("rest %+v %v", rest, err)
		}
	})
	t.Run("delete a corporation's users", func(t *testing.T) {
		e := newEnv(t)
		corp, other := e.NewCorporation(t), e.NewCorporation(t)
		mustCreate(t, e.Repo, corp, "a@x.io", domain.RoleAdmin)
		mustCreate(t, e.Repo, corp, "b@x.io", domain.RoleGuest)
		keep := mustCreate(t, e.Repo, other, "c@x.io", domain.RoleGuest)
		n, err := e.Repo.SoftDeleteCorporation(ctx, corp, t0)
		if err != nil || n != 2 {
			t.Fatalf("deleted %d %v", n, err)
		}
		if list, _ := e.Repo.List(ctx, corp, 0, 10); len(list) != 0 {
			t.Fatalf("left %+v", list)
		}
		if _, err := e.Repo.FindLive(ctx, keep.ID); err != nil {
			t.Fatalf("other corporation's user: %v", err)
		}
	})
}

// RunRollback checks that a failed unit of work leaves no user behind.
func RunRollback(t *testing.T, e Env) {
	ctx := context.Background()
	corp := e.NewCorporation(t)
	boom := errors.New("boom")
	err := e.UoW.Do(ctx, func(ctx context.Context) error {
		if _, err := e.Repo.Create(ctx, domain.NewUser{Email: "gone@x.io", PasswordHash: "h", Role: domain.RoleGuest, CorporationID: corp}, t0); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Do: %v", err)
	}
	if _, err := e.Repo.FindLiveByEmail(ctx, "gone@x.io"); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("after rollback: %v", err)
	}
}

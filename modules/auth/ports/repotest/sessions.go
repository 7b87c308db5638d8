// Package repotest is the contract every implementation of the auth module's ports must
// honour, run against the fakes and the database adapters alike.
package repotest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"vms/modules/auth/domain"
	"vms/modules/auth/ports"
)

// Subject is a Sessions implementation under test, with its unit of work and the ids of
// two existing users.
type Subject struct {
	Sessions ports.Sessions
	UoW      ports.UnitOfWork
	UserA    int64
	UserB    int64
}

// Sessions runs the contract; open returns a fresh, empty subject for each case.
func Sessions(t *testing.T, open func(t *testing.T) Subject) {
	base := time.Date(2026, 3, 1, 12, 0, 0, 123456000, time.UTC)
	ctx := context.Background()

	t.Run("create and find", func(t *testing.T) {
		s := open(t)
		used := base.Add(time.Minute)
		in := domain.Session{UserID: s.UserA, TokenHash: "h1", FamilyID: "f1", CreatedAt: base, ExpiresAt: base.Add(time.Hour), LastUsedAt: &used}
		got, err := s.Sessions.Create(ctx, in)
		if err != nil {
			t.Fatalf("create: %v", err)
		}
		if got.ID <= 0 {
			t.Fatalf("id %d, want positive", got.ID)
		}
		found, err := s.Sessions.FindByHash(ctx, "h1")
		if err != nil {
			t.Fatalf("find: %v", err)
		}
		if found.ID != got.ID || found.UserID != s.UserA || found.FamilyID != "f1" || found.TokenHash != "h1" {
			t.Fatalf("found %+v", found)
		}
		if !found.CreatedAt.Equal(base) || !found.ExpiresAt.Equal(base.Add(time.Hour)) {
			t.Fatalf("times %v / %v, want %v / %v", found.CreatedAt, found.ExpiresAt, base, base.Add(time.Hour))
		}
		if found.LastUsedAt == nil || !found.LastUsedAt.Equal(used) || found.RevokedAt != nil {
			t.Fatalf("last used %v revoked %v", found.LastUsedAt, found.RevokedAt)
		}
		if _, err := s.Sessions.FindByHash(ctx, "nope"); !errors.Is(err, domain.ErrSessionNotFound) {
			t.Fatalf("unknown hash: %v, want ErrSessionNotFound", err)
		}
	})

	t.Run("consume once", func(t *testing.T) {
		s := open(t)
		mustCreate(t, s, domain.Session{UserID: s.UserA, TokenHash: "live", FamilyID: "f", CreatedAt: base, ExpiresAt: base.Add(time.Hour)})
		now := base.Add(10 * time.Minute)
		won, err := s.Sessions.Consume(ctx, "live", now)
		if err != nil || !won {
			t.Fatalf("first consume: %v %v", won, err)
		}
		got, _ := s.Sessions.FindByHash(ctx, "live")
		if got.RevokedAt == nil || !got.RevokedAt.Equal(now) || got.LastUsedAt == nil || !got.LastUsedAt.Equal(now) {
			t.Fatalf("after consume %+v", got)
		}
		won, err = s.Sessions.Consume(ctx, "live", now.Add(time.Second))
		if err != nil || won {
			t.Fatalf("second consume: %v %v, want false", won, err)
		}
		if won, err := s.Sessions.Consume(ctx, "unknown", now); err != nil || won {
			t.Fatalf("unknown consume: %v %v", won, err)
		}
	})

	t.Run("consume refuses expired", func(t *testing.T) {
		s := open(t)
		mustCreate(t, s, domain.Session{UserID: s.UserA, TokenHash: "old", FamilyID: "f", CreatedAt: base, ExpiresAt: base.Add(time.Hour)})
		won, err := s.Sessions.Consume(ctx, "old", base.Add(time.Hour))
		if err != nil || won {
			t.Fatalf("consume at expiry: %v %v, want false", won, err)
		}
		got, _ := s.Sessions.FindByHash(ctx, "old")
		if got.RevokedAt != nil || got.LastUsedAt != nil {
			t.Fatalf("expired row changed: %+v", got)
		}
		if won, _ := s.Sessions.Consume(ctx, "old", base.Add(time.Hour-time.Microsecond)); !won {
			t.Fatal("consume just before expiry should win")
		}
	})

	t.Run("concurrent consume has one winner", func(t *testing.T) {
		s := open(t)
		mustCreate(t, s, domain.Session{UserID: s.UserA, TokenHash: "race", FamilyID: "f", CreatedAt: base, ExpiresAt: base.Add(time.Hour)})
		var wins, fails atomic.Int32
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				err := s.UoW.Do(ctx, func(ctx context.Context) error {
					won, err := s.Sessions.Consume(ctx, "race", base.Add(time.Minute))
					if won {
						wins.Add(1)
					}
					return err
				})
				if err != nil {
					fails.Add(1)
				}
			}()
		}
		close(start)
		wg.Wait()
		if wins.Load() != 1 || fails.Load() != 0 {
			t.Fatalf("wins %d errors %d, want 1 and 0", wins.Load(), fails.Load())
		}
	})

	t.Run("revoke family and user", func(t *testing.T) {
		s := open(t)
		mustCreate(t, s, domain.Session{UserID: s.UserA, TokenHash: "a1", FamilyID: "fa", CreatedAt: base, ExpiresAt: base.Add(time.Hour)})
		mustCreate(t, s, domain.Session{UserID: s.UserA, TokenHash: "a2", FamilyID: "fa", CreatedAt: base, ExpiresAt: base.Add(time.Hour)})
		mustCreate(t, s, domain.Session{UserID: s.UserA, TokenHash: "a3", FamilyID: "fb", CreatedAt: base, ExpiresAt: base.Add(time.Hour)})
		mustCreate(t, s, domain.Session{UserID: s.UserB, TokenHash: "b1", FamilyID: "fc", CreatedAt: base, ExpiresAt: base.Add(time.Hour)})
		if won, _ := s.Sessions.Consume(ctx, "a1", base.Add(time.Minute)); !won {
			t.Fatal("consume a1")
		}
		n, err := s.Sessions.RevokeFamily(ctx, "fa", base.Add(2*time.Minute))
		if err != nil || n != 1 {
			t.Fatalf("revoke family: %d %v, want 1 (a1 was already revoked)", n, err)
		}
		a1, _ := s.Sessions.FindByHash(ctx, "a1")
		if !a1.RevokedAt.Equal(base.Add(time.Minute)) {
			t.Fatalf("a1 revocation time moved: %v", a1.RevokedAt)
		}
		revoked(t, s, "a2", true)
		revoked(t, s, "a3", false)
		revoked(t, s, "b1", false)
		n, err = s.Sessions.RevokeUser(ctx, s.UserA, base.Add(3*time.Minute))
		if err != nil || n != 1 {
			t.Fatalf("revoke user: %d %v, want 1", n, err)
		}
		revoked(t, s, "a3", true)
		revoked(t, s, "b1", false)
	})

	t.Run("list by user pages by id", func(t *testing.T) {
		s := open(t)
		var ids []int64
		for i, h := range []string{"l1", "l2", "l3"} {
			got := mustCreate(t, s, domain.Session{UserID: s.UserA, TokenHash: h, FamilyID: "f", CreatedAt: base.Add(time.Duration(i) * time.Second), ExpiresAt: base.Add(time.Hour)})
			ids = append(ids, got.ID)
			mustCreate(t, s, domain.Session{UserID: s.UserB, TokenHash: h + "b", FamilyID: "g", CreatedAt: base, ExpiresAt: base.Add(time.Hour)})
		}
		page, err := s.Sessions.ListByUser(ctx, s.UserA, 0, 2)
		if err != nil || len(page) != 2 || page[0].ID != ids[0] || page[1].ID != ids[1] {
			t.Fatalf("first page %+v %v", page, err)
		}
		page, err = s.Sessions.ListByUser(ctx, s.UserA, ids[1], 2)
		if err != nil || len(page) != 1 || page[0].ID != ids[2] || page[0].UserID != s.UserA {
			t.Fatalf("second page %+v %v", page, err)
		}
	})

	t.Run("rollback undoes everything", func(t *testing.T) {
		s := open(t)
		mustCreate(t, s, domain.Session{UserID: s.UserA, TokenHash: "keep", FamilyID: "f", CreatedAt: base, ExpiresAt: base.Add(time.Hour)})
		boom := errors.New("boom")
		err := s.UoW.Do(ctx, func(ctx context.Context) error {
			if won, err := s.Sessions.Consume(ctx, "keep", base.Add(time.Minute)); err != nil || !won {
				t.Errorf("consume in unit: %v %v", won, err)
			}
			if _, err := s.Sessions.Create(ctx, domain.Session{UserID: s.UserA, TokenHash: "next", FamilyID: "f", CreatedAt: base, ExpiresAt: base.Add(time.Hour)}); err != nil {
				t.Errorf("create in unit: %v", err)
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Do returned %v, want boom", err)
		}
		revoked(t, s, "keep", false)
		if _, err := s.Sessions.FindByHash(ctx, "next"); !errors.Is(err, domain.ErrSessionNotFound) {
			t.Fatalf("rolled back insert is visible: %v", err)
		}
	})
}

func mustCreate(t *testing.T, s Subject, in domain.Session) domain.Session {
	t.Helper()
	got, err := s.Sessions.Create(context.Background(), in)
	if err != nil {
		t.Fatalf("create %s: %v", in.TokenHash, err)
	}
	return got
}

func revoked(t *testing.T, s Subject, hash string, want bool) {
	t.Helper()
	got, err := s.Sessions.FindByHash(context.Background(), hash)
	if err != nil {
		t.Fatalf("find %s: %v", hash, err)
	}
	if (got.RevokedAt != nil) != want {
		t.Fatalf("%s revoked=%v, want %v", hash, got.RevokedAt != nil, want)
	}
}

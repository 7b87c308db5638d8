package gormrepo_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"vms/modules/auth/adapters/gormrepo"
	"vms/modules/auth/adapters/jwttoken"
	"vms/modules/auth/domain"
	"vms/modules/auth/fake"
	"vms/modules/auth/ports"
	"vms/modules/auth/service"
	"vms/platform/clock"
	"vms/platform/database"
	"vms/platform/database/dbtest"
)

// TestConcurrentRefreshOneWinner spends one refresh token from 20 goroutines at once
// against a real database: exactly one gets a new pair. The others present a spent token,
// which revokes the family, the winner's successor included.
func TestConcurrentRefreshOneWinner(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		userA, _ := seedUsers(t, db)
		accounts := fake.NewAccounts()
		accounts.Add(ports.Identity{UserID: userA, CorporationID: 1, Role: "guest"}, "a@example.com", "password-a")
		signer, err := jwttoken.NewSigner([]byte("0123456789abcdef0123456789abcdef-test"), time.Minute, clock.System{})
		if err != nil {
			t.Fatal(err)
		}
		repo := gormrepo.NewSessions(db)
		svc := service.New(accounts, repo, db, signer, clock.System{}, time.Hour)
		pair, err := svc.Login(ctx, "a@example.com", "password-a", "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		var ok, refused atomic.Int32
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := svc.Refresh(ctx, pair.RefreshToken)
				switch {
				case err == nil:
					ok.Add(1)
				case errors.Is(err, domain.ErrInvalidRefreshToken):
					refused.Add(1)
				default:
					t.Errorf("refresh: %v", err)
				}
			}()
		}
		close(start)
		wg.Wait()
		if ok.Load() != 1 || refused.Load() != 19 {
			t.Fatalf("%d succeeded, %d refused; want 1 and 19", ok.Load(), refused.Load())
		}
		rows, err := repo.ListByUser(ctx, userA, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 {
			t.Fatalf("%d sessions, want the original and one successor", len(rows))
		}
		for _, r := range rows {
			if r.FamilyID != rows[0].FamilyID || r.RevokedAt == nil {
				t.Fatalf("session %+v: want one family, all revoked after reuse", r)
			}
		}
	})
}

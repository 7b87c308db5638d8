package service_test

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"vms/modules/auth/domain"
	"vms/modules/auth/service"
	"vms/platform/kind"
)

func login(t *testing.T, e *env, email, password string) domain.TokenPair {
	t.Helper()
	p, err := e.svc.Login(ctx, email, password, "192.0.2.1")
	if err != nil {
		t.Fatalf("login %s: %v", email, err)
	}
	return p
}

func session(t *testing.T, e *env, token string) domain.Session {
	t.Helper()
	s, err := e.store.FindByHash(ctx, service.HashToken(token))
	if err != nil {
		t.Fatalf("find session: %v", err)
	}
	return s
}

func TestRefreshRotates(t *testing.T) {
	e := newEnv(t)
	first := login(t, e, "guest@acme.example", guestPW)
	e.clock.Advance(time.Hour)
	second, err := e.svc.Refresh(ctx, first.RefreshToken)
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if second.RefreshToken == first.RefreshToken || second.AccessToken == first.AccessToken {
		t.Fatal("refresh returned the same tokens")
	}
	if c, err := e.signer.ParseAccess(second.AccessToken); err != nil || c.UserID != guest.UserID {
		t.Fatalf("new access token %+v %v", c, err)
	}
	old, next := session(t, e, first.RefreshToken), session(t, e, second.RefreshToken)
	now := t0.Add(time.Hour)
	if old.RevokedAt == nil || !old.RevokedAt.Equal(now) || old.LastUsedAt == nil || !old.LastUsedAt.Equal(now) {
		t.Fatalf("spent session %+v", old)
	}
	if next.FamilyID != old.FamilyID || next.RevokedAt != nil || !next.ExpiresAt.Equal(now.Add(refreshTTL)) {
		t.Fatalf("successor %+v", next)
	}
	if _, err := e.svc.Refresh(ctx, second.RefreshToken); err != nil {
		t.Fatalf("successor refused: %v", err)
	}
}

func TestRefreshReuseRevokesFamily(t *testing.T) {
	e := newEnv(t)
	first := login(t, e, "guest@acme.example", guestPW)
	bystander := login(t, e, "guest@acme.example", guestPW)
	second, err := e.svc.Refresh(ctx, first.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Refresh(ctx, first.RefreshToken); err != domain.ErrInvalidRefreshToken {
		t.Fatalf("reuse: %v, want ErrInvalidRefreshToken", err)
	}
	if s := session(t, e, second.RefreshToken); s.RevokedAt == nil {
		t.Fatal("reuse left the successor alive")
	}
	if _, err := e.svc.Refresh(ctx, second.RefreshToken); err != domain.ErrInvalidRefreshToken {
		t.Fatalf("successor after reuse: %v", err)
	}
	if _, err := e.svc.Refresh(ctx, bystander.RefreshToken); err != nil {
		t.Fatalf("another sign-in was revoked too: %v", err)
	}
}

func TestRefreshRefusals(t *testing.T) {
	e := newEnv(t)
	if _, err := e.svc.Refresh(ctx, ""); kind.Of(err) != kind.Invalid {
		t.Fatalf("empty token: %v", err)
	}
	if _, err := e.svc.Refresh(ctx, "made-up-token"); err != domain.ErrInvalidRefreshToken {
		t.Fatalf("unknown token: %v", err)
	}
	expiring := login(t, e, "guest@acme.example", guestPW)
	e.clock.Advance(refreshTTL)
	if _, err := e.svc.Refresh(ctx, expiring.RefreshToken); err != domain.ErrInvalidRefreshToken {
		t.Fatalf("expired token: %v", err)
	}
	if s := session(t, e, expiring.RefreshToken); s.RevokedAt != nil || s.LastUsedAt != nil {
		t.Fatalf("an expired token is not a reuse; session changed: %+v", s)
	}
}

func TestRefreshNeedsLiveUser(t *testing.T) {
	e := newEnv(t)
	p := login(t, e, "guest@acme.example", guestPW)
	e.accounts.Delete(guest.UserID)
	if _, err := e.svc.Refresh(ctx, p.RefreshToken); err != domain.ErrInvalidRefreshToken {
		t.Fatalf("deleted user: %v", err)
	}
	if n := len(e.store.All()); n != 1 {
		t.Fatalf("%d sessions, want the one from login only", n)
	}
	if s := session(t, e, p.RefreshToken); s.RevokedAt != nil {
		t.Fatalf("refused refresh changed the session: %+v", s)
	}
}

func TestRefreshRoleComesFromAccounts(t *testing.T) {
	e := newEnv(t)
	p := login(t, e, "guest@acme.example", guestPW)
	e.accounts.SetRole(guest.UserID, "admin")
	next, err := e.svc.Refresh(ctx, p.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := e.signer.ParseAccess(next.AccessToken); c.Role != "admin" {
		t.Fatalf("role %q, want the current role admin", c.Role)
	}
}

func TestRefreshConcurrentOneWinner(t *testing.T) {
	e := newEnv(t)
	p := login(t, e, "guest@acme.example", guestPW)
	var ok, refused atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := e.svc.Refresh(ctx, p.RefreshToken)
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, domain.ErrInvalidRefreshToken):
				refused.Add(1)
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if ok.Load() != 1 || refused.Load() != 19 {
		t.Fatalf("%d succeeded, %d refused; want 1 and 19", ok.Load(), refused.Load())
	}
}

// Only a token spent by a refresh raises the reuse alert; one revoked unused by a logout
// is merely invalid, so the security log carries no false alarms.
func TestRefreshOfLoggedOutTokenIsNoReuse(t *testing.T) {
	e := newEnv(t)
	var logs bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, nil)))
	t.Cleanup(func() { slog.SetDefault(prev) })

	out := login(t, e, "guest@acme.example", guestPW)
	if err := e.svc.Logout(ctx, as(guest), out.RefreshToken); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Refresh(ctx, out.RefreshToken); err != domain.ErrInvalidRefreshToken {
		t.Fatalf("logged-out token: %v", err)
	}
	if strings.Contains(logs.String(), "presented again") {
		t.Fatalf("a logged-out token raised the reuse alert: %s", logs.String())
	}

	spent := login(t, e, "guest@acme.example", guestPW)
	if _, err := e.svc.Refresh(ctx, spent.RefreshToken); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Refresh(ctx, spent.RefreshToken); err != domain.ErrInvalidRefreshToken {
		t.Fatalf("spent token: %v", err)
	}
	if !strings.Contains(logs.String(), "presented again") {
		t.Fatalf("a spent token presented again raised no alert: %q", logs.String())
	}
}

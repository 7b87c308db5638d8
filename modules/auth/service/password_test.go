package service_test

import (
	"context"
	"testing"
	"time"

	"vms/modules/auth/domain"
	"vms/modules/auth/ports"
	"vms/modules/auth/service"
	"vms/modules/user/userevents"
	"vms/platform/principal"
)

// changeTime is how the user module dates a password change made at now: the next whole
// millisecond.
func changeTime(now time.Time) time.Time {
	return now.Truncate(time.Millisecond).Add(time.Millisecond)
}

// changePassword changes the guest's password the way the user module does: the new
// password and its time, and PasswordChanged handled in the same unit of work.
func changePassword(t *testing.T, e *env, password string) time.Time {
	t.Helper()
	at := changeTime(e.clock.Now())
	e.accounts.ChangePassword(guest.UserID, password, at)
	if err := e.events.PasswordChanged(ctx, userevents.PasswordChanged{UserID: guest.UserID, CorporationID: guest.CorporationID, At: at}); err != nil {
		t.Fatal(err)
	}
	return at
}

func authenticates(e *env, cred service.Credentials) bool {
	_, err := e.auth.Authenticate(ctx, cred, true)
	return err == nil
}

func TestPasswordChangeEndsEarlierTokens(t *testing.T) {
	e := newEnv(t)
	e.clock.Advance(400 * time.Microsecond)
	old := login(t, e, "guest@acme.example", guestPW)
	rotated, err := e.svc.Refresh(ctx, old.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	issuer := service.NewPlayback(e.signer, e.auth, e.clock)
	play, _, err := issuer.IssuePlayback(ctx, guest.UserID, guest.CorporationID, guest.Role, 5)
	if err != nil {
		t.Fatal(err)
	}
	theirs := login(t, e, "admin@acme.example", adminPW)
	for _, c := range []service.Credentials{{Bearer: rotated.AccessToken}, {Playback: play}} {
		if !authenticates(e, c) {
			t.Fatal("a token does not work before the change")
		}
	}

	// The change lands in the same millisecond as the tokens above.
	changePassword(t, e, "new-password")
	for name, c := range map[string]service.Credentials{"access": {Bearer: old.AccessToken}, "rotated access": {Bearer: rotated.AccessToken}, "playback": {Playback: play}} {
		if authenticates(e, c) {
			t.Errorf("%s token issued before the change still works", name)
		}
	}
	if s := session(t, e, rotated.RefreshToken); s.RevokedAt == nil {
		t.Error("the refresh token survived the change")
	}
	if _, err := e.svc.Refresh(ctx, rotated.RefreshToken); err != domain.ErrInvalidRefreshToken {
		t.Errorf("refresh with the old token: %v", err)
	}
	if _, err := e.svc.Login(ctx, "guest@acme.example", guestPW, "192.0.2.1"); err != domain.ErrInvalidCredentials {
		t.Errorf("old password: %v", err)
	}
	if !authenticates(e, service.Credentials{Bearer: theirs.AccessToken}) {
		t.Error("another user's token stopped working")
	}

	// Still within the change's millisecond (the clock has not moved): tokens issued now
	// are dated at the change and work.
	fresh := login(t, e, "guest@acme.example", "new-password")
	if !authenticates(e, service.Credentials{Bearer: fresh.AccessToken}) {
		t.Fatal("a token issued right after the change is refused")
	}
	play, _, err = issuer.IssuePlayback(ctx, guest.UserID, guest.CorporationID, guest.Role, 5)
	if err != nil || !authenticates(e, service.Credentials{Playback: play}) {
		t.Fatalf("a playback token issued right after the change is refused: %v", err)
	}
	next, err := e.svc.Refresh(ctx, fresh.RefreshToken)
	if err != nil || !authenticates(e, service.Credentials{Bearer: next.AccessToken}) {
		t.Fatalf("refresh after the change: %v", err)
	}
	// After the cache lifetime the answer comes from the accounts alone.
	e.clock.Advance(service.ActiveCacheTTL)
	if authenticates(e, service.Credentials{Bearer: old.AccessToken}) || !authenticates(e, service.Credentials{Bearer: next.AccessToken}) {
		t.Fatal("after the cache lifetime the change is not applied")
	}
}

func TestTokenIssuedJustBeforeTheChangeIsRefused(t *testing.T) {
	e := newEnv(t)
	// Signed in the last microsecond of a millisecond; the change follows at once.
	e.clock.Advance(time.Millisecond - time.Microsecond)
	pair := login(t, e, "guest@acme.example", guestPW)
	e.clock.Advance(time.Microsecond)
	at := changePassword(t, e, "new-password")
	if at.Sub(t0) != 2*time.Millisecond {
		t.Fatalf("change dated %v after start", at.Sub(t0))
	}
	if authenticates(e, service.Credentials{Bearer: pair.AccessToken}) {
		t.Fatal("a token issued a microsecond before the change works")
	}
}

func TestOtherReplicasSeeTheChangeWithinTheCacheLifetime(t *testing.T) {
	e := newEnv(t)
	pair := login(t, e, "guest@acme.example", guestPW)
	if !authenticates(e, service.Credentials{Bearer: pair.AccessToken}) {
		t.Fatal("token refused")
	}
	// Another replica changed the password: only the accounts know.
	e.clock.Advance(time.Millisecond)
	e.accounts.ChangePassword(guest.UserID, "new-password", changeTime(e.clock.Now()))
	e.clock.Advance(service.ActiveCacheTTL - time.Millisecond)
	if authenticates(e, service.Credentials{Bearer: pair.AccessToken}) {
		t.Fatal("the change is not seen after the cache lifetime")
	}
}

func TestPasswordChangedJoinsCallersUnit(t *testing.T) {
	e := newEnv(t)
	pair := login(t, e, "guest@acme.example", guestPW)
	// The handler runs inside the changing unit of work; a rollback keeps the sessions.
	_ = e.store.Do(ctx, func(ctx context.Context) error {
		if err := e.events.PasswordChanged(ctx, userevents.PasswordChanged{UserID: guest.UserID, CorporationID: guest.CorporationID, At: changeTime(e.clock.Now())}); err != nil {
			t.Fatal(err)
		}
		return context.Canceled
	})
	if s := session(t, e, pair.RefreshToken); s.RevokedAt != nil {
		t.Fatal("a rolled back change revoked the session")
	}
}

// racingAccounts changes the guest's password between the password check of a sign-in
// and the unit of work that stores its session.
type racingAccounts struct {
	ports.Accounts
	change func()
}

func (a racingAccounts) VerifyPassword(ctx context.Context, email, password string) (ports.Identity, bool, error) {
	id, ok, err := a.Accounts.VerifyPassword(ctx, email, password)
	a.change()
	return id, ok, err
}

func TestLoginRacingAPasswordChangeIsRefused(t *testing.T) {
	e := newEnv(t)
	accounts := racingAccounts{Accounts: e.accounts, change: func() {
		e.accounts.ChangePassword(guest.UserID, "new-password", changeTime(e.clock.Now()))
	}}
	svc := service.New(accounts, e.store, e.store, e.signer, e.clock, refreshTTL)
	if _, err := svc.Login(ctx, "guest@acme.example", guestPW, "192.0.2.1"); err != domain.ErrInvalidCredentials {
		t.Fatalf("sign-in with the password replaced meanwhile: %v", err)
	}
	if n := len(e.store.All()); n != 0 {
		t.Fatalf("%d sessions stored", n)
	}
}

func TestLogoutAll(t *testing.T) {
	e := newEnv(t)
	a := login(t, e, "guest@acme.example", guestPW)
	b := login(t, e, "guest@acme.example", guestPW)
	b2, err := e.svc.Refresh(ctx, b.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	theirs := login(t, e, "admin@acme.example", adminPW)
	if err := e.svc.LogoutAll(ctx, as(guest)); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{a.RefreshToken, b2.RefreshToken} {
		if _, err := e.svc.Refresh(ctx, tok); err != domain.ErrInvalidRefreshToken {
			t.Errorf("refresh after logout-all: %v", err)
		}
	}
	if _, err := e.svc.Refresh(ctx, theirs.RefreshToken); err != nil {
		t.Errorf("another user's session ended: %v", err)
	}
	if err := e.svc.LogoutAll(ctx, as(guest)); err != nil {
		t.Errorf("logout-all twice: %v", err)
	}
	if err := e.svc.LogoutAll(ctx, principal.Principal{}); err != domain.ErrUnauthenticated {
		t.Errorf("anonymous logout-all: %v", err)
	}
}

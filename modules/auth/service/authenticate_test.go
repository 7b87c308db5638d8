package service_test

import (
	"context"
	"testing"
	"time"

	"vms/modules/auth/domain"
	"vms/modules/auth/fake"
	"vms/modules/auth/service"
	"vms/modules/corporation/corporationevents"
	"vms/modules/user/userevents"
	"vms/platform/kind"
)

func bearer(t *testing.T, e *env, email, password string) string {
	t.Helper()
	return login(t, e, email, password).AccessToken
}

func TestAuthenticateBearer(t *testing.T) {
	e := newEnv(t)
	tok := bearer(t, e, "guest@acme.example", guestPW)
	p, err := e.auth.Authenticate(ctx, service.Credentials{Bearer: tok}, false)
	if err != nil {
		t.Fatalf("authenticate: %v", err)
	}
	if p.UserID != guest.UserID || p.CorporationID != guest.CorporationID || p.Role != "guest" || p.PlaybackVideoID != 0 {
		t.Fatalf("principal %+v", p)
	}
	for name, cred := range map[string]service.Credentials{
		"none":    {},
		"garbage": {Bearer: "garbage"},
		"tamper":  {Bearer: tok + "x"},
	} {
		if _, err := e.auth.Authenticate(ctx, cred, true); err != domain.ErrUnauthenticated {
			t.Fatalf("%s: %v, want ErrUnauthenticated", name, err)
		}
	}
}

func TestAuthenticateUsesFreshAccountsThroughShortCache(t *testing.T) {
	e := newEnv(t)
	tok := bearer(t, e, "guest@acme.example", guestPW)
	if _, err := e.auth.Authenticate(ctx, service.Credentials{Bearer: tok}, false); err != nil {
		t.Fatal(err)
	}
	calls := e.accounts.ActiveCalls()
	e.accounts.SetRole(guest.UserID, "admin")
	p, _ := e.auth.Authenticate(ctx, service.Credentials{Bearer: tok}, false)
	if e.accounts.ActiveCalls() != calls || p.Role != "guest" {
		t.Fatalf("within the cache lifetime: %d calls, role %q", e.accounts.ActiveCalls()-calls, p.Role)
	}
	e.clock.Advance(service.ActiveCacheTTL)
	p, _ = e.auth.Authenticate(ctx, service.Credentials{Bearer: tok}, false)
	if e.accounts.ActiveCalls() != calls+1 || p.Role != "admin" {
		t.Fatalf("after the cache lifetime: role %q, want admin from the accounts", p.Role)
	}
	if service.ActiveCacheTTL > 2*time.Second {
		t.Fatalf("cache lifetime %v is longer than 2s", service.ActiveCacheTTL)
	}
}

func TestUserDeletedStopsTokensAtOnce(t *testing.T) {
	e := newEnv(t)
	pair := login(t, e, "guest@acme.example", guestPW)
	second := login(t, e, "guest@acme.example", guestPW)
	keep := login(t, e, "admin@acme.example", adminPW)
	if _, err := e.auth.Authenticate(ctx, service.Credentials{Bearer: pair.AccessToken}, false); err != nil {
		t.Fatal(err)
	}
	// The user module deletes the row and publishes the event in one unit of work.
	err := e.store.Do(ctx, func(ctx context.Context) error {
		e.accounts.Delete(guest.UserID)
		return e.events.UserDeleted(ctx, userevents.UserDeleted{UserID: guest.UserID, CorporationID: guest.CorporationID})
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.auth.Authenticate(ctx, service.Credentials{Bearer: pair.AccessToken}, false); err != domain.ErrUnauthenticated {
		t.Fatalf("deleted user's token with a warm cache: %v", err)
	}
	for _, p := range []string{pair.RefreshToken, second.RefreshToken} {
		if s := session(t, e, p); s.RevokedAt == nil {
			t.Fatal("a refresh token of the deleted user is still live")
		}
	}
	if s := session(t, e, keep.RefreshToken); s.RevokedAt != nil {
		t.Fatal("another user's session was revoked")
	}
}

func TestUserDeletedJoinsCallersUnit(t *testing.T) {
	e := newEnv(t)
	pair := login(t, e, "guest@acme.example", guestPW)
	err := e.store.Do(ctx, func(ctx context.Context) error {
		if err := e.events.UserDeleted(ctx, userevents.UserDeleted{UserID: guest.UserID}); err != nil {
			return err
		}
		return fake.ErrDown
	})
	if err != fake.ErrDown {
		t.Fatalf("Do: %v", err)
	}
	if s := session(t, e, pair.RefreshToken); s.RevokedAt != nil {
		t.Fatal("revocation survived the rollback of the deleting unit")
	}
}

func TestCorporationDeletedStopsTokensAtOnce(t *testing.T) {
	e := newEnv(t)
	g := bearer(t, e, "guest@acme.example", guestPW)
	o := bearer(t, e, "boss@other.example", adminPW)
	for _, tok := range []string{g, o} {
		if _, err := e.auth.Authenticate(ctx, service.Credentials{Bearer: tok}, false); err != nil {
			t.Fatal(err)
		}
	}
	_ = e.events.CorporationDeleted(ctx, corporationevents.CorporationDeleted{CorporationID: guest.CorporationID})
	if _, err := e.auth.Authenticate(ctx, service.Credentials{Bearer: g}, false); err != domain.ErrUnauthenticated {
		t.Fatalf("user of a deleted corporation: %v", err)
	}
	if _, err := e.auth.Authenticate(ctx, service.Credentials{Bearer: o}, false); err != nil {
		t.Fatalf("user of another corporation: %v", err)
	}
}

func TestAuthenticatePlayback(t *testing.T) {
	e := newEnv(t)
	issuer := service.NewPlayback(e.signer, e.auth, e.clock)
	tok, exp, err := issuer.IssuePlayback(ctx, guest.UserID, guest.CorporationID, guest.Role, 77)
	if err != nil || exp.After(t0.Add(10*time.Minute)) {
		t.Fatalf("issue: %v, expires %v", err, exp)
	}
	if _, err := e.auth.Authenticate(ctx, service.Credentials{Playback: tok}, false); err != domain.ErrUnauthenticated {
		t.Fatalf("playback token where it is not allowed: %v", err)
	}
	p, err := e.auth.Authenticate(ctx, service.Credentials{Playback: tok}, true)
	if err != nil || p.PlaybackVideoID != 77 || p.UserID != guest.UserID || p.Role != "guest" {
		t.Fatalf("playback principal %+v %v", p, err)
	}
	access := bearer(t, e, "guest@acme.example", guestPW)
	if _, err := e.auth.Authenticate(ctx, service.Credentials{Playback: access}, true); err != domain.ErrUnauthenticated {
		t.Fatalf("access token as playback token: %v", err)
	}
	if _, err := e.auth.Authenticate(ctx, service.Credentials{Bearer: tok}, true); err != domain.ErrUnauthenticated {
		t.Fatalf("playback token as Bearer token: %v", err)
	}
	if p, _ := e.auth.Authenticate(ctx, service.Credentials{Bearer: access, Playback: tok}, true); p.PlaybackVideoID != 0 {
		t.Fatal("Bearer token must win over a playback token")
	}
	e.accounts.Delete(guest.UserID)
	e.clock.Advance(service.ActiveCacheTTL)
	if _, err := e.auth.Authenticate(ctx, service.Credentials{Playback: tok}, true); err != domain.ErrUnauthenticated {
		t.Fatalf("playback token of a deleted user: %v", err)
	}
	if _, _, err := issuer.IssuePlayback(ctx, 0, 1, "guest", 1); err == nil {
		t.Fatal("issued a playback token without a user")
	}
	// User 1 is live, so only the video id can be the reason for these refusals.
	if _, _, err := issuer.IssuePlayback(ctx, 1, 1, "guest", 0); err == nil {
		t.Fatal("issued a playback token without a video")
	}
	if _, _, err := issuer.IssuePlayback(ctx, 1, 1, "guest", -1); err == nil {
		t.Fatal("issued a playback token for video -1")
	}
	if _, _, err := issuer.IssuePlayback(ctx, 1, 1, "guest", 1); err != nil {
		t.Fatalf("smallest valid ids refused: %v", err)
	}
}

func TestAuthenticateAccountsDown(t *testing.T) {
	e := newEnv(t)
	tok := bearer(t, e, "guest@acme.example", guestPW)
	e.accounts.Err = fake.ErrDown
	_, err := e.auth.Authenticate(ctx, service.Credentials{Bearer: tok}, false)
	if err == nil || kind.Of(err) == kind.Unauthorized {
		t.Fatalf("outage must not look like bad credentials: %v", err)
	}
}

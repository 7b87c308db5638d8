package service_test

import (
	"testing"

	"vms/modules/auth/domain"
	"vms/platform/kind"
)

func TestLogoutRevokesFamily(t *testing.T) {
	e := newEnv(t)
	first := login(t, e, "guest@acme.example", guestPW)
	second, _ := e.svc.Refresh(ctx, first.RefreshToken)
	keep := login(t, e, "guest@acme.example", guestPW)
	me := as(guest)
	if err := e.svc.Logout(ctx, me, first.RefreshToken); err != nil {
		t.Fatalf("logout: %v", err)
	}
	if s := session(t, e, second.RefreshToken); s.RevokedAt == nil {
		t.Fatal("the family's live token survived logout")
	}
	if s := session(t, e, keep.RefreshToken); s.RevokedAt != nil {
		t.Fatal("logout revoked another sign-in")
	}
	if err := e.svc.Logout(ctx, me, second.RefreshToken); err != nil {
		t.Fatalf("logging out twice: %v", err)
	}
}

func TestLogoutRefusals(t *testing.T) {
	e := newEnv(t)
	theirs := login(t, e, "admin@acme.example", adminPW)
	me := as(guest)
	if err := e.svc.Logout(ctx, me, theirs.RefreshToken); err != domain.ErrInvalidRefreshToken {
		t.Fatalf("another user's token: %v", err)
	}
	if s := session(t, e, theirs.RefreshToken); s.RevokedAt != nil {
		t.Fatal("a refused logout revoked the token")
	}
	if err := e.svc.Logout(ctx, me, "unknown"); err != domain.ErrInvalidRefreshToken {
		t.Fatalf("unknown token: %v", err)
	}
	if err := e.svc.Logout(ctx, me, ""); kind.Of(err) != kind.Invalid {
		t.Fatalf("empty token: %v", err)
	}
}

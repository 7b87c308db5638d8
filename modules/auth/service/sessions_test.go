package service_test

import (
	"testing"

	"vms/modules/auth/domain"
	"vms/modules/auth/ports"
	"vms/platform/principal"
)

func as(id ports.Identity) principal.Principal {
	return principal.Principal{UserID: id.UserID, CorporationID: id.CorporationID, Role: id.Role}
}

func TestListSessions(t *testing.T) {
	e := newEnv(t)
	a := login(t, e, "guest@acme.example", guestPW)
	_, _ = e.svc.Refresh(ctx, a.RefreshToken)
	login(t, e, "admin@acme.example", adminPW)

	list, err := e.svc.ListSessions(ctx, as(admin), guest.UserID, 0, 10)
	if err != nil || len(list) != 2 {
		t.Fatalf("list %+v %v", list, err)
	}
	for _, s := range list {
		if s.UserID != guest.UserID {
			t.Fatalf("listed another user's session %+v", s)
		}
	}
	if list[0].RevokedAt == nil || list[1].RevokedAt != nil {
		t.Fatalf("revocation state %+v", list)
	}
	page, _ := e.svc.ListSessions(ctx, as(admin), guest.UserID, list[0].ID, 10)
	if len(page) != 1 || page[0].ID != list[1].ID {
		t.Fatalf("second page %+v", page)
	}
	if _, err := e.svc.ListSessions(ctx, as(guest), guest.UserID, 0, 10); err != domain.ErrForbidden {
		t.Fatalf("guest: %v, want forbidden", err)
	}
	if _, err := e.svc.ListSessions(ctx, as(other), guest.UserID, 0, 10); err != domain.ErrUserNotFound {
		t.Fatalf("admin of another corporation: %v, want not found", err)
	}
	if _, err := e.svc.ListSessions(ctx, as(admin), 999, 0, 10); err != domain.ErrUserNotFound {
		t.Fatalf("unknown user: %v, want not found", err)
	}
	e.accounts.Delete(guest.UserID)
	if _, err := e.svc.ListSessions(ctx, as(admin), guest.UserID, 0, 10); err != domain.ErrUserNotFound {
		t.Fatalf("deleted user: %v, want not found", err)
	}
}

package principal

import (
	"context"
	"testing"
)

func TestPrincipalInContext(t *testing.T) {
	if _, ok := From(context.Background()); ok {
		t.Fatal("principal found in a bare context")
	}
	p := Principal{UserID: 1, CorporationID: 2, Role: RoleAdmin}
	got, ok := From(With(context.Background(), p))
	if !ok || got != p {
		t.Fatalf("From = %+v, %v", got, ok)
	}
	if !p.IsAdmin() || !p.AdminOf(2) || p.AdminOf(3) {
		t.Fatal("admin checks")
	}
	guest := Principal{UserID: 1, CorporationID: 2, Role: RoleGuest}
	if guest.IsAdmin() || guest.AdminOf(2) {
		t.Fatal("guest passes admin checks")
	}
}

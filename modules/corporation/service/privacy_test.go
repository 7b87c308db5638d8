package service_test

import (
	"context"
	"errors"
	"testing"

	"vms/modules/corporation/domain"
	"vms/platform/principal"
)

func TestReadsShowOnlyTheCallersOwnCorporation(t *testing.T) {
	ctx := context.Background()
	e := newEnv()
	a := e.signUp(t, "Acme")
	b := e.signUp(t, "Globex")
	member := principal.Principal{UserID: 1, CorporationID: a.ID, Role: principal.RoleGuest}
	if got, err := e.svc.Get(ctx, member, a.ID); err != nil || got.ID != a.ID {
		t.Fatalf("own: %+v %v", got, err)
	}
	if got, err := e.svc.GetByName(ctx, member, "acme"); err != nil || got.ID != a.ID {
		t.Fatalf("own by name: %+v %v", got, err)
	}
	for name, err := range map[string]error{
		"other by id":     second(e.svc.Get(ctx, member, b.ID)),
		"other by name":   second(e.svc.GetByName(ctx, member, "Globex")),
		"anonymous by id": second(e.svc.Get(ctx, principal.Principal{}, a.ID)),
		"anonymous name":  second(e.svc.GetByName(ctx, principal.Principal{}, "Acme")),
	} {
		if !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("%s: %v, want not found", name, err)
		}
	}
	list, err := e.svc.List(ctx, member, 0)
	if err != nil || len(list) != 1 || list[0].ID != a.ID {
		t.Fatalf("list %+v %v", list, err)
	}
	if list, err := e.svc.List(ctx, member, a.ID); err != nil || len(list) != 0 {
		t.Fatalf("page after the own corporation %+v %v", list, err)
	}
}

func second[T any](_ T, err error) error { return err }

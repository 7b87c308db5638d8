package service_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"vms/modules/corporation/corporationevents"
	"vms/modules/corporation/domain"
	"vms/modules/corporation/fake"
	"vms/modules/corporation/service"
	"vms/platform/clock"
	"vms/platform/database/uowtest"
	"vms/platform/events/eventstest"
	"vms/platform/kind"
	"vms/platform/principal"
)

var now = time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)

type env struct {
	svc    *service.Service
	repo   *fake.Repository
	admins *fake.AdminAccounts
	pub    *eventstest.Recorder
	clock  *clock.Fake
}

func newEnv() env {
	e := env{repo: fake.NewRepository(), admins: &fake.AdminAccounts{}, pub: &eventstest.Recorder{}, clock: clock.NewFake(now)}
	e.svc = service.New(e.repo, &uowtest.UnitOfWork{Stores: []uowtest.Snapshotter{e.repo}}, e.admins, e.pub, e.clock)
	return e
}

func sp(s string) *string { return &s }

func (e env) signUp(t *testing.T, name string) domain.Corporation {
	t.Helper()
	c, err := e.svc.SignUp(context.Background(), service.SignUp{Details: domain.DetailsInput{Name: name, PlanType: "FREE"}, AdminEmail: "a@x.io", AdminPassword: "password1"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var errEmailTaken = kind.New(kind.Conflict, "email taken")

func TestSignUpCreatesCorporationAndAdmin(t *testing.T) {
	e := newEnv()
	c, err := e.svc.SignUp(context.Background(), service.SignUp{
		Details:    domain.DetailsInput{Name: " Acme ", PlanType: "PAID", PlanExpiredAt: sp("2030-06-01")},
		AdminEmail: "boss@acme.io", AdminPassword: "password1",
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "Acme" || c.PlanType != domain.PlanPaid || !c.CreatedAt.Equal(now) {
		t.Fatalf("corporation %+v", c)
	}
	if len(e.admins.Calls) != 1 || e.admins.Calls[0] != (fake.AdminCall{CorporationID: c.ID, Email: "boss@acme.io", Password: "password1"}) {
		t.Fatalf("admin calls %+v", e.admins.Calls)
	}
}

func TestSignUpRollsBackWhenAdminFails(t *testing.T) {
	e := newEnv()
	e.admins.CreateErr = errEmailTaken
	_, err := e.svc.SignUp(context.Background(), service.SignUp{Details: domain.DetailsInput{Name: "Acme", PlanType: "FREE"}, AdminEmail: "a@x.io", AdminPassword: "password1"})
	if !errors.Is(err, errEmailTaken) {
		t.Fatalf("err %v", err)
	}
	if e.repo.Count() != 0 {
		t.Fatalf("corporation left behind")
	}
}

func TestSignUpValidation(t *testing.T) {
	e := newEnv()
	_, err := e.svc.SignUp(context.Background(), service.SignUp{Details: domain.DetailsInput{Name: "Acme", PlanType: "PAID"}})
	var ve *kind.ValidationError
	if !errors.As(err, &ve) || ve.Fields["plan_expired_at"] == "" {
		t.Fatalf("err %v", err)
	}
	if e.repo.Count() != 0 || len(e.admins.Calls) != 0 {
		t.Fatal("something was created")
	}
}

func TestSignUpNamesTheAdminFields(t *testing.T) {
	e := newEnv()
	e.admins.Err = kind.InvalidFields(map[string]string{"email": "must be a valid e-mail address", "password": "must be 8 to 72 bytes"})
	_, err := e.svc.SignUp(context.Background(), service.SignUp{Details: domain.DetailsInput{Name: "Acme", PlanType: "FREE"}, AdminEmail: "nope", AdminPassword: "short"})
	var ve *kind.ValidationError
	if !errors.As(err, &ve) || len(ve.Fields) != 2 || ve.Fields["admin_email"] != "must be a valid e-mail address" || ve.Fields["admin_password"] != "must be 8 to 72 bytes" {
		t.Fatalf("err %v, want the fields admin_email and admin_password", err)
	}
	if kind.Of(err) != kind.Invalid || e.repo.Count() != 0 {
		t.Fatalf("kind %v, corporations %d", kind.Of(err), e.repo.Count())
	}
}

func TestSignUpNameTaken(t *testing.T) {
	e := newEnv()
	e.signUp(t, "Acme")
	_, err := e.svc.SignUp(context.Background(), service.SignUp{Details: domain.DetailsInput{Name: "acme", PlanType: "FREE"}, AdminEmail: "b@x.io", AdminPassword: "password1"})
	if !errors.Is(err, domain.ErrNameTaken) {
		t.Fatalf("err %v", err)
	}
	if len(e.admins.Calls) != 1 {
		t.Fatalf("admin created for the duplicate")
	}
}

func TestGetByName(t *testing.T) {
	e := newEnv()
	c := e.signUp(t, "Acme Corp")
	member := principal.Principal{UserID: 1, CorporationID: c.ID, Role: principal.RoleGuest}
	got, err := e.svc.GetByName(context.Background(), member, "  ACME corp ")
	if err != nil || got.ID != c.ID {
		t.Fatalf("got %+v %v", got, err)
	}
	if _, err := e.svc.GetByName(context.Background(), member, ""); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("empty name: %v", err)
	}
}

func TestUpdateAuthorization(t *testing.T) {
	e := newEnv()
	c := e.signUp(t, "Acme")
	other := e.signUp(t, "Other")
	in := domain.DetailsInput{Name: "Acme 2", PlanType: "FREE"}
	cases := []struct {
		name   string
		caller principal.Principal
		id     int64
		want   error
	}{
		{"guest of it", principal.Principal{UserID: 2, CorporationID: c.ID, Role: principal.RoleGuest}, c.ID, domain.ErrForbidden},
		{"admin of another", principal.Principal{UserID: 3, CorporationID: other.ID, Role: principal.RoleAdmin}, c.ID, domain.ErrForbidden},
		{"unknown id", principal.Principal{UserID: 1, CorporationID: c.ID, Role: principal.RoleAdmin}, 999, domain.ErrNotFound},
	}
	for _, tc := range cases {
		if _, err := e.svc.Update(context.Background(), tc.caller, tc.id, in); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
		if err := e.svc.Delete(context.Background(), tc.caller, tc.id); !errors.Is(err, tc.want) {
			t.Errorf("delete, %s: %v, want %v", tc.name, err, tc.want)
		}
	}
	if got, _ := e.repo.Get(context.Background(), c.ID); got.Name != "Acme" {
		t.Fatalf("changed by an outsider: %+v", got)
	}
	if len(e.pub.Published()) != 0 {
		t.Fatalf("events published: %v", e.pub.Published())
	}
}

func TestUpdateByAdmin(t *testing.T) {
	e := newEnv()
	c := e.signUp(t, "Acme")
	admin := principal.Principal{UserID: 1, CorporationID: c.ID, Role: principal.RoleAdmin}
	e.clock.Advance(time.Hour)
	got, err := e.svc.Update(context.Background(), admin, c.ID, domain.DetailsInput{Name: "Acme 2", PlanType: "PAID", PlanExpiredAt: sp("2030-02-01T00:00:00Z")})
	if err != nil || got.Name != "Acme 2" || got.PlanType != domain.PlanPaid || !got.UpdatedAt.Equal(now.Add(time.Hour)) {
		t.Fatalf("got %+v %v", got, err)
	}
	if _, err := e.svc.Update(context.Background(), admin, c.ID, domain.DetailsInput{Name: "Acme", PlanType: "GOLD"}); err == nil {
		t.Fatal("bad plan accepted")
	}
}

func TestDeletePublishesEvent(t *testing.T) {
	e := newEnv()
	c := e.signUp(t, "Acme")
	admin := principal.Principal{UserID: 1, CorporationID: c.ID, Role: principal.RoleAdmin}
	if err := e.svc.Delete(context.Background(), admin, c.ID); err != nil {
		t.Fatal(err)
	}
	if !e.repo.IsDeleted(c.ID) {
		t.Fatal("not deleted")
	}
	evs := e.pub.Published()
	if len(evs) != 1 || evs[0] != (corporationevents.CorporationDeleted{CorporationID: c.ID}) {
		t.Fatalf("events %v", evs)
	}
	if live, err := e.svc.IsLive(context.Background(), c.ID); err != nil || live {
		t.Fatalf("IsLive after delete: %v %v", live, err)
	}
}

func TestDeleteRollsBackWhenHandlerFails(t *testing.T) {
	e := newEnv()
	c := e.signUp(t, "Acme")
	e.pub.Err = errors.New("handler failed")
	admin := principal.Principal{UserID: 1, CorporationID: c.ID, Role: principal.RoleAdmin}
	if err := e.svc.Delete(context.Background(), admin, c.ID); err == nil {
		t.Fatal("no error")
	}
	if e.repo.IsDeleted(c.ID) {
		t.Fatal("deleted despite the failing handler")
	}
}

func TestIsPaidFollowsTheClock(t *testing.T) {
	e := newEnv()
	c, err := e.svc.SignUp(context.Background(), service.SignUp{Details: domain.DetailsInput{Name: "Acme", PlanType: "PAID", PlanExpiredAt: sp(now.Add(time.Hour).Format(time.RFC3339))}, AdminEmail: "a@x.io", AdminPassword: "password1"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if paid, err := e.svc.IsPaid(ctx, c.ID); err != nil || !paid {
		t.Fatalf("before expiry: %v %v", paid, err)
	}
	e.clock.Advance(time.Hour)
	if paid, err := e.svc.IsPaid(ctx, c.ID); err != nil || paid {
		t.Fatalf("at expiry: %v %v", paid, err)
	}
	if paid, err := e.svc.IsPaid(ctx, 999); err != nil || paid {
		t.Fatalf("unknown: %v %v", paid, err)
	}
	if live, err := e.svc.IsLive(ctx, c.ID); err != nil || !live {
		t.Fatalf("IsLive: %v %v", live, err)
	}
	n, err := e.svc.DowngradeExpired(ctx)
	if err != nil || n != 1 {
		t.Fatalf("downgraded %d %v", n, err)
	}
	got, _ := e.repo.Get(ctx, c.ID)
	if got.PlanType != domain.PlanFree {
		t.Fatalf("plan %s", got.PlanType)
	}
}

func TestRepositoryFailureIsPassedOn(t *testing.T) {
	e := newEnv()
	e.repo.FailErr = errors.New("database down")
	if _, err := e.svc.IsLive(context.Background(), 1); err == nil {
		t.Fatal("IsLive hid the failure")
	}
	if _, err := e.svc.IsPaid(context.Background(), 1); err == nil {
		t.Fatal("IsPaid hid the failure")
	}
}

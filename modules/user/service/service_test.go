package service_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"vms/modules/corporation/corporationevents"
	"vms/modules/user/domain"
	"vms/modules/user/fake"
	"vms/modules/user/service"
	"vms/modules/user/userevents"
	"vms/platform/clock"
	"vms/platform/database/uowtest"
	"vms/platform/events/eventstest"
	"vms/platform/kind"
	"vms/platform/principal"
)

var now = time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)

type env struct {
	svc    *service.Service
	acc    *service.Accounts
	repo   *fake.Repository
	hasher *fake.Hasher
	corps  *fake.Corporations
	pub    *eventstest.Recorder
	clock  *clock.Fake
}

func newEnv() env {
	e := env{repo: fake.NewRepository(), hasher: &fake.Hasher{}, corps: &fake.Corporations{}, pub: &eventstest.Recorder{}, clock: clock.NewFake(now)}
	e.svc = service.New(e.repo, &uowtest.UnitOfWork{Stores: []uowtest.Snapshotter{e.repo}}, e.hasher, e.pub, e.clock)
	e.acc = service.NewAccounts(e.repo, e.hasher, e.corps)
	return e
}

func sp(s string) *string { return &s }

// seed makes corporation 1 with an admin (id 1) and a guest (id 2), and corporation 2
// with an admin (id 3).
func (e env) seed(t *testing.T) (admin, guest, outsider principal.Principal) {
	t.Helper()
	ctx := context.Background()
	if err := createAdmin(ctx, e.svc, 1, "admin@a.io", "password1"); err != nil {
		t.Fatal(err)
	}
	admin = principal.Principal{UserID: 1, CorporationID: 1, Role: principal.RoleAdmin}
	if _, err := e.svc.Create(ctx, admin, service.NewUserInput{Email: "guest@a.io", Password: "password2", Role: "guest"}); err != nil {
		t.Fatal(err)
	}
	if err := createAdmin(ctx, e.svc, 2, "admin@b.io", "password3"); err != nil {
		t.Fatal(err)
	}
	want := []userevents.UserCreated{
		{UserID: 1, CorporationID: 1, Email: "admin@a.io", Role: "admin", At: now},
		{UserID: 2, CorporationID: 1, Email: "guest@a.io", Role: "guest", At: now},
		{UserID: 3, CorporationID: 2, Email: "admin@b.io", Role: "admin", At: now},
	}
	got := e.pub.Published()
	if len(got) != len(want) {
		t.Fatalf("seeding published %v, want %v", got, want)
	}
	for i := range want {
		if ev, ok := got[i].(userevents.UserCreated); !ok || ev != want[i] {
			t.Fatalf("seeding published %v, want %v", got, want)
		}
	}
	e.pub.Events = nil
	return admin, principal.Principal{UserID: 2, CorporationID: 1, Role: principal.RoleGuest}, principal.Principal{UserID: 3, CorporationID: 2, Role: principal.RoleAdmin}
}

func TestCreate(t *testing.T) {
	e := newEnv()
	admin, guest, _ := e.seed(t)
	ctx := context.Background()
	u, err := e.svc.Create(ctx, admin, service.NewUserInput{Email: " New@A.io ", Password: "password9", Role: "admin"})
	if err != nil || u.Email != "new@a.io" || u.CorporationID != 1 || u.Role != domain.RoleAdmin || u.PasswordHash != "fake:password9" {
		t.Fatalf("%+v %v", u, err)
	}
	if _, err := e.svc.Create(ctx, guest, service.NewUserInput{Email: "x@a.io", Password: "password9", Role: "guest"}); !errors.Is(err, domain.ErrAdminOnly) {
		t.Fatalf("guest: %v", err)
	}
	if _, err := e.svc.Create(ctx, admin, service.NewUserInput{Email: "GUEST@a.io", Password: "password9", Role: "guest"}); !errors.Is(err, domain.ErrEmailTaken) {
		t.Fatalf("taken: %v", err)
	}
	var ve *kind.ValidationError
	if _, err := e.svc.Create(ctx, admin, service.NewUserInput{Email: "bad", Password: "short", Role: "root"}); !errors.As(err, &ve) || len(ve.Fields) != 3 {
		t.Fatalf("invalid: %v", err)
	}
	if e.repo.Count() != 4 {
		t.Fatalf("users %d", e.repo.Count())
	}
}

func TestPrepareAdminValidatesBeforeHashing(t *testing.T) {
	e := newEnv()
	_, err := e.svc.PrepareAdmin(context.Background(), "nope", "short")
	var ve *kind.ValidationError
	if !errors.As(err, &ve) || ve.Fields["email"] == "" || ve.Fields["password"] == "" || len(ve.Fields) != 2 {
		t.Fatalf("%v", err)
	}
	if e.hasher.Hashes != 0 {
		t.Fatal("hashed an invalid password")
	}
}

func TestVisibility(t *testing.T) {
	e := newEnv()
	admin, guest, outsider := e.seed(t)
	ctx := context.Background()
	cases := []struct {
		name   string
		caller principal.Principal
		id     int64
		ok     bool
	}{
		{"admin reads guest", admin, 2, true},
		{"guest reads self", guest, 2, true},
		{"guest reads admin", guest, 1, false},
		{"other corporation's admin", outsider, 2, false},
		{"unknown", admin, 99, false},
	}
	for _, c := range cases {
		_, err := e.svc.Get(ctx, c.caller, c.id)
		if c.ok != (err == nil) || (!c.ok && !errors.Is(err, domain.ErrNotFound)) {
			t.Errorf("%s: %v", c.name, err)
		}
		u, _, _ := e.repo.Row(c.id)
		_, err = e.svc.GetByEmail(ctx, c.caller, u.Email)
		if c.id != 99 && (c.ok != (err == nil) || (!c.ok && !errors.Is(err, domain.ErrNotFound))) {
			t.Errorf("%s by e-mail: %v", c.name, err)
		}
	}
	if _, err := e.svc.GetByEmail(ctx, admin, "not an email"); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("bad e-mail: %v", err)
	}
	list, err := e.svc.List(ctx, admin, 0, 10)
	if err != nil || len(list) != 2 {
		t.Fatalf("list %+v %v", list, err)
	}
	if _, err := e.svc.List(ctx, guest, 0, 10); !errors.Is(err, domain.ErrAdminOnly) {
		t.Fatalf("guest list: %v", err)
	}
	me, err := e.svc.Me(ctx, guest)
	if err != nil || me.ID != 2 {
		t.Fatalf("me %+v %v", me, err)
	}
}

func TestUpdateRules(t *testing.T) {
	e := newEnv()
	admin, guest, outsider := e.seed(t)
	ctx := context.Background()
	cases := []struct {
		name   string
		caller principal.Principal
		id     int64
		in     service.UpdateInput
		want   error
	}{
		{"guest sends a role for self", guest, 2, service.UpdateInput{Role: sp("guest")}, domain.ErrRoleByGuest},
		{"guest promotes self", guest, 2, service.UpdateInput{Role: sp("admin")}, domain.ErrRoleByGuest},
		{"admin demotes self", admin, 1, service.UpdateInput{Role: sp("guest")}, domain.ErrOwnRole},
		{"guest changes admin", guest, 1, service.UpdateInput{Password: sp("password8")}, domain.ErrNotFound},
		{"other corporation", outsider, 2, service.UpdateInput{Password: sp("password8")}, domain.ErrNotFound},
		{"nothing to change", admin, 2, service.UpdateInput{}, domain.ErrNothingToSet},
	}
	for _, c := range cases {
		if _, err := e.svc.Update(ctx, c.caller, c.id, c.in); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	var ve *kind.ValidationError
	if _, err := e.svc.Update(ctx, admin, 2, service.UpdateInput{Password: sp("short"), Role: sp("boss")}); !errors.As(err, &ve) || len(ve.Fields) != 2 {
		t.Fatalf("invalid: %v", err)
	}
	if g, _, _ := e.repo.Row(2); g.PasswordHash != "fake:password2" || g.Role != domain.RoleGuest {
		t.Fatalf("refused updates changed the guest: %+v", g)
	}

	e.clock.Advance(time.Minute)
	u, err := e.svc.Update(ctx, guest, 2, service.UpdateInput{Password: sp("new-password"), CurrentPassword: sp("password2")})
	if err != nil || u.PasswordHash != "fake:new-password" || !u.UpdatedAt.Equal(now.Add(time.Minute)) {
		t.Fatalf("own password: %+v %v", u, err)
	}
	u, err = e.svc.Update(ctx, admin, 2, service.UpdateInput{Role: sp("admin"), Password: sp("password7")})
	if err != nil || u.Role != domain.RoleAdmin || u.PasswordHash != "fake:password7" {
		t.Fatalf("admin changes guest: %+v %v", u, err)
	}
	if _, err := e.svc.Update(ctx, admin, 1, service.UpdateInput{Role: sp("admin")}); err != nil {
		t.Fatalf("admin re-sends own role unchanged: %v", err)
	}
}

func TestDelete(t *testing.T) {
	e := newEnv()
	admin, guest, outsider := e.seed(t)
	ctx := context.Background()
	if err := e.svc.Delete(ctx, outsider, 2); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("outsider: %v", err)
	}
	if err := e.svc.Delete(ctx, guest, 1); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("guest deletes admin: %v", err)
	}
	if len(e.pub.Published()) != 0 {
		t.Fatal("event for a refused delete")
	}
	if err := e.svc.Delete(ctx, admin, 2); err != nil {
		t.Fatal(err)
	}
	if _, deleted, ok := e.repo.Row(2); !ok || !deleted {
		t.Fatal("not deleted")
	}
	if evs := e.pub.Published(); len(evs) != 1 || evs[0] != (userevents.UserDeleted{UserID: 2, CorporationID: 1, At: now}) {
		t.Fatalf("events %v", evs)
	}
	if _, err := e.svc.Me(ctx, guest); !errors.Is(err, domain.ErrNotSignedIn) {
		t.Fatalf("me after delete: %v", err)
	}
	e.pub.Err = errors.New("handler failed")
	if err := e.svc.Delete(ctx, admin, 1); err == nil {
		t.Fatal("no error")
	}
	if _, deleted, ok := e.repo.Row(1); !ok || deleted {
		t.Fatalf("user 1 found %v, deleted %v: the delete must roll back with the failing handler", ok, deleted)
	}
}

func TestVerifyPassword(t *testing.T) {
	e := newEnv()
	e.seed(t)
	ctx := context.Background()
	id, ok, err := e.acc.VerifyPassword(ctx, " GUEST@a.io", "password2")
	if err != nil || !ok || id.UserID != 2 || id.CorporationID != 1 || id.Role != "guest" {
		t.Fatalf("%+v %v %v", id, ok, err)
	}
	before := e.hasher.VerifyCount()
	for _, c := range []struct{ email, pw string }{
		{"guest@a.io", "wrong-password"},
		{"nobody@a.io", "password2"},
		{"not an e-mail", "password2"},
	} {
		if _, ok, err := e.acc.VerifyPassword(ctx, c.email, c.pw); ok || err != nil {
			t.Errorf("%s: %v %v", c.email, ok, err)
		}
	}
	if got := e.hasher.VerifyCount() - before; got != 3 {
		t.Fatalf("%d verifications for 3 failed logins; every login must verify one hash", got)
	}
	e.corps.Kill(1)
	if _, ok, _ := e.acc.VerifyPassword(ctx, "guest@a.io", "password2"); ok {
		t.Fatal("login into a deleted corporation")
	}
	if _, ok, _ := e.acc.Active(ctx, 2); ok {
		t.Fatal("active in a deleted corporation")
	}
	if id, ok, err := e.acc.Active(ctx, 3); !ok || err != nil || id.CorporationID != 2 {
		t.Fatalf("active: %+v %v %v", id, ok, err)
	}
	if _, ok, err := e.acc.Active(ctx, 99); ok || err != nil {
		t.Fatalf("unknown: %v %v", ok, err)
	}
	e.corps.Err = errors.New("database down")
	if _, _, err := e.acc.Active(ctx, 3); err == nil {
		t.Fatal("failure hidden")
	}
}

func TestCorporationOf(t *testing.T) {
	e := newEnv()
	admin, _, _ := e.seed(t)
	ctx := context.Background()
	if c, ok, err := e.svc.CorporationOf(ctx, 3); err != nil || !ok || c != 2 {
		t.Fatalf("%d %v %v", c, ok, err)
	}
	_ = e.svc.Delete(ctx, admin, 2)
	if _, ok, err := e.svc.CorporationOf(ctx, 2); ok || err != nil {
		t.Fatalf("deleted user: %v %v", ok, err)
	}
}

func TestCorporationCascade(t *testing.T) {
	e := newEnv()
	e.seed(t)
	h := service.NewCorporationCascade(e.repo, e.clock)
	if err := h.Handle(context.Background(), corporationevents.CorporationDeleted{CorporationID: 1}); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[int64]bool{1: true, 2: true, 3: false} {
		if _, deleted, ok := e.repo.Row(id); !ok || deleted != want {
			t.Errorf("user %d found=%v deleted=%v, want deleted=%v", id, ok, deleted, want)
		}
	}
}

func TestDummyHashSurvivesAFailedFirstLogin(t *testing.T) {
	e := newEnv()
	e.seed(t)
	ctx := context.Background()
	e.hasher.FailHashes(context.Canceled)
	if _, ok, err := e.acc.VerifyPassword(ctx, "nobody@a.io", "password1"); ok || err == nil {
		t.Fatalf("first login: %v %v", ok, err)
	}
	e.hasher.FailHashes(nil)
	for range 2 {
		if _, ok, err := e.acc.VerifyPassword(ctx, "nobody@a.io", "password1"); ok || err != nil {
			t.Fatalf("later login: %v %v", ok, err)
		}
	}
	if e.hasher.Hashes != 4 {
		t.Fatalf("%d hashes; the dummy hash must be made once (3 seeded users + 1)", e.hasher.Hashes)
	}
}

// createAdmin prepares and creates an admin the way sign-up does.
func createAdmin(ctx context.Context, svc *service.Service, corporationID int64, email, password string) error {
	admin, err := svc.PrepareAdmin(ctx, email, password)
	if err != nil {
		return err
	}
	return svc.CreateAdmin(ctx, corporationID, admin)
}

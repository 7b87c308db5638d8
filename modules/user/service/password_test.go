package service_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"vms/modules/user/domain"
	"vms/modules/user/service"
	"vms/modules/user/userevents"
	"vms/platform/kind"
)

func TestOwnPasswordChangeNeedsTheCurrentPassword(t *testing.T) {
	e := newEnv()
	_, guest, _ := e.seed(t)
	ctx := context.Background()
	hashes := e.hasher.Hashes

	var ve *kind.ValidationError
	_, err := e.svc.Update(ctx, guest, 2, service.UpdateInput{Password: sp("new-password")})
	if !errors.As(err, &ve) || ve.Fields["current_password"] == "" || len(ve.Fields) != 1 {
		t.Fatalf("missing current_password: %v", err)
	}
	_, err = e.svc.Update(ctx, guest, 2, service.UpdateInput{Password: sp("short"), CurrentPassword: sp("")})
	if !errors.As(err, &ve) || ve.Fields["current_password"] == "" || ve.Fields["password"] == "" {
		t.Fatalf("both invalid: %v", err)
	}
	verifies := e.hasher.VerifyCount()
	if _, err := e.svc.Update(ctx, guest, 2, service.UpdateInput{Password: sp("new-password"), CurrentPassword: sp("wrong-password")}); !errors.Is(err, domain.ErrWrongPassword) || kind.Of(err) != kind.Forbidden {
		t.Fatalf("wrong current_password: %v", err)
	}
	if e.hasher.VerifyCount() != verifies+1 {
		t.Errorf("verifications: %d, want %d", e.hasher.VerifyCount(), verifies+1)
	}
	if e.hasher.Hashes != hashes {
		t.Errorf("refused changes hashed %d passwords", e.hasher.Hashes-hashes)
	}
	if g, _, _ := e.repo.Row(2); g.PasswordHash != "fake:password2" || !g.PasswordChangedAt.IsZero() {
		t.Fatalf("refused changes changed the guest: %+v", g)
	}
	if len(e.pub.Published()) != 0 {
		t.Fatalf("refused changes published %v", e.pub.Published())
	}
}

func TestPasswordChangeRecordsTheTimeAndPublishes(t *testing.T) {
	e := newEnv()
	admin, guest, _ := e.seed(t)
	ctx := context.Background()

	e.clock.Advance(1500 * time.Microsecond)
	first := domain.PasswordChangeTime(e.clock.Now())
	u, err := e.svc.Update(ctx, guest, 2, service.UpdateInput{Password: sp("new-password"), CurrentPassword: sp("password2")})
	if err != nil || !u.PasswordChangedAt.Equal(first) || !first.After(e.clock.Now()) {
		t.Fatalf("self change: %+v %v", u, err)
	}
	e.clock.Advance(time.Minute)
	second := domain.PasswordChangeTime(e.clock.Now())
	// An admin resetting another user's password needs no current password.
	if _, err := e.svc.Update(ctx, admin, 2, service.UpdateInput{Password: sp("reset-password")}); err != nil {
		t.Fatalf("admin reset: %v", err)
	}
	// A role change alone is not a password change.
	if _, err := e.svc.Update(ctx, admin, 2, service.UpdateInput{Role: sp("admin")}); err != nil {
		t.Fatal(err)
	}
	want := []userevents.PasswordChanged{{UserID: 2, CorporationID: 1, At: first}, {UserID: 2, CorporationID: 1, At: second}}
	got := e.pub.Published()
	if len(got) != len(want) {
		t.Fatalf("published %v, want %v", got, want)
	}
	for i := range want {
		ev, ok := got[i].(userevents.PasswordChanged)
		if !ok || ev.UserID != want[i].UserID || ev.CorporationID != want[i].CorporationID || !ev.At.Equal(want[i].At) {
			t.Errorf("event %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	acc, ok, err := e.acc.Active(ctx, 2)
	if err != nil || !ok || !acc.PasswordChangedAt.Equal(second) {
		t.Fatalf("active: %+v %v %v", acc, ok, err)
	}
	if acc, ok, err := e.acc.LockActive(ctx, 2); err != nil || !ok || !acc.PasswordChangedAt.Equal(second) {
		t.Fatalf("lock active: %+v %v %v", acc, ok, err)
	}
	if _, ok, err := e.acc.LockActive(ctx, 99); err != nil || ok {
		t.Fatalf("lock active of a missing user: %v %v", ok, err)
	}
	if _, ok, _ := e.acc.VerifyPassword(ctx, "guest@a.io", "new-password"); ok {
		t.Error("the replaced password still verifies")
	}
	if _, ok, _ := e.acc.VerifyPassword(ctx, "guest@a.io", "reset-password"); !ok {
		t.Error("the new password does not verify")
	}
}

func TestAdminChangingOwnPasswordNeedsTheCurrentPassword(t *testing.T) {
	e := newEnv()
	admin, _, _ := e.seed(t)
	var ve *kind.ValidationError
	if _, err := e.svc.Update(context.Background(), admin, 1, service.UpdateInput{Password: sp("new-password")}); !errors.As(err, &ve) || ve.Fields["current_password"] == "" {
		t.Fatalf("admin's own password without current_password: %v", err)
	}
}

func TestFailedPublishKeepsTheOldPassword(t *testing.T) {
	e := newEnv()
	admin, _, _ := e.seed(t)
	e.pub.Err = errors.New("handler failed")
	if _, err := e.svc.Update(context.Background(), admin, 2, service.UpdateInput{Password: sp("reset-password")}); err == nil {
		t.Fatal("a failed handler did not fail the change")
	}
	if g, _, _ := e.repo.Row(2); g.PasswordHash != "fake:password2" || !g.PasswordChangedAt.IsZero() {
		t.Fatalf("rolled back change kept: %+v", g)
	}
}

package service_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"vms/modules/corporation/corporationevents"
	"vms/modules/corporation/domain"
	"vms/modules/corporation/service"
	"vms/platform/principal"
)

// An update publishes PlanChanged when the plan type or its expiry changes, and not for a
// rename; the expiry job publishes one per downgraded corporation.
func TestPlanChangesArePublished(t *testing.T) {
	e := newEnv()
	ctx := context.Background()
	c := e.signUp(t, "Acme")
	admin := principal.Principal{UserID: 1, CorporationID: c.ID, Role: principal.RoleAdmin}
	expiry := now.Add(time.Hour)
	if _, err := e.svc.Update(ctx, admin, c.ID, domain.DetailsInput{Name: "Acme 2", PlanType: "FREE"}); err != nil {
		t.Fatal(err)
	}
	if n := len(e.pub.Published()); n != 0 {
		t.Fatalf("a rename published %d events", n)
	}
	if _, err := e.svc.Update(ctx, admin, c.ID, domain.DetailsInput{Name: "Acme 2", PlanType: "PAID", PlanExpiredAt: sp(expiry.Format(time.RFC3339))}); err != nil {
		t.Fatal(err)
	}
	later := expiry.Add(24 * time.Hour)
	if _, err := e.svc.Update(ctx, admin, c.ID, domain.DetailsInput{Name: "Acme 2", PlanType: "PAID", PlanExpiredAt: sp(later.Format(time.RFC3339))}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(48 * time.Hour)
	if n, err := e.svc.DowngradeExpired(ctx); err != nil || n != 1 {
		t.Fatalf("downgraded %d %v", n, err)
	}
	evs := e.pub.Published()
	if len(evs) != 3 {
		t.Fatalf("events %v, want 3 plan changes", evs)
	}
	up := evs[0].(corporationevents.PlanChanged)
	if up.CorporationID != c.ID || up.PlanType != "PAID" || !up.PlanExpiredAt.Equal(expiry) || up.PreviousPlanType != "FREE" ||
		up.PreviousPlanExpiredAt != nil || up.EffectivePlan != "PAID" || up.Reason != corporationevents.PlanUpdated || !up.At.Equal(now) {
		t.Fatalf("upgrade %+v", up)
	}
	if ext := evs[1].(corporationevents.PlanChanged); ext.PlanType != "PAID" || ext.PreviousPlanType != "PAID" || !ext.PlanExpiredAt.Equal(later) || !ext.PreviousPlanExpiredAt.Equal(expiry) {
		t.Fatalf("extension %+v", ext)
	}
	down := evs[2].(corporationevents.PlanChanged)
	if down.CorporationID != c.ID || down.PlanType != "FREE" || down.PreviousPlanType != "PAID" || !down.PlanExpiredAt.Equal(later) ||
		down.EffectivePlan != "FREE" || down.Reason != corporationevents.PlanExpired || !down.At.Equal(now.Add(48*time.Hour)) {
		t.Fatalf("downgrade %+v", down)
	}
}

// A failing handler rolls the downgrade back with the unit of work.
func TestDowngradeRollsBackWhenHandlerFails(t *testing.T) {
	e := newEnv()
	ctx := context.Background()
	c, err := e.svc.SignUp(ctx, service.SignUp{Details: domain.DetailsInput{Name: "Acme", PlanType: "PAID", PlanExpiredAt: sp(now.Add(time.Hour).Format(time.RFC3339))}, AdminEmail: "a@x.io", AdminPassword: "password1"})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(2 * time.Hour)
	boom := errors.New("handler failed")
	e.pub.Err = boom
	if _, err := e.svc.DowngradeExpired(ctx); !errors.Is(err, boom) {
		t.Fatalf("downgrade = %v, want the handler's error", err)
	}
	if got, _ := e.repo.Get(ctx, c.ID); got.PlanType != domain.PlanPaid {
		t.Fatalf("plan %s after the failed downgrade, want PAID", got.PlanType)
	}
}

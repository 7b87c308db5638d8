package main_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"vms/app/apptest"
)

type tokenPair struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
}

type userBody struct {
	ID            int64  `json:"id"`
	Email         string `json:"email"`
	Role          string `json:"role"`
	CorporationID int64  `json:"corporation_id"`
	Point         int64  `json:"point"`
}

type corporationBody struct {
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	PlanType      string `json:"plan_type"`
	EffectivePlan string `json:"effective_plan"`
}

func login(t *testing.T, a *apptest.App, email, password string) tokenPair {
	t.Helper()
	var tp tokenPair
	a.Do("POST", "/v1/auth/login", map[string]string{"email": email, "password": password}, "").Expect(t, http.StatusOK).JSON(t, &tp)
	if tp.AccessToken == "" || tp.TokenType != "bearer" {
		t.Fatalf("login: %+v", tp)
	}
	return tp
}

// TestAccountsScenario is the account half of the original REST Client scenario: sign up a
// corporation with its admin, log in, create a guest, read and update users, delete.
func TestAccountsScenario(t *testing.T) {
	apptest.Each(t, nil, func(t *testing.T, a *apptest.App) {
		var corp corporationBody
		a.Do("POST", "/v1/corporations", map[string]any{
			"name": "Acme", "plan_type": "PAID", "plan_expired_at": "2999-12-31",
			"admin_email": "Admin@Acme.io", "admin_password": "admin-password",
		}, "").Expect(t, http.StatusCreated).JSON(t, &corp)
		if corp.ID == 0 || corp.EffectivePlan != "PAID" {
			t.Fatalf("corporation %+v", corp)
		}
		a.Do("POST", "/v1/corporations", map[string]any{
			"name": "acme", "plan_type": "FREE", "admin_email": "other@acme.io", "admin_password": "admin-password",
		}, "").Expect(t, http.StatusConflict)
		// A taken e-mail rolls the whole sign-up back: the name stays free.
		a.Do("POST", "/v1/corporations", map[string]any{
			"name": "Beta", "plan_type": "FREE", "admin_email": "admin@acme.io", "admin_password": "admin-password",
		}, "").Expect(t, http.StatusConflict)
		admin := login(t, a, "admin@acme.io", "admin-password")
		a.Do("GET", "/v1/corporations/beta", nil, admin.AccessToken).Expect(t, http.StatusNotFound)
		a.Do("GET", "/v1/corporations/ACME", nil, admin.AccessToken).Expect(t, http.StatusOK)
		var me userBody
		a.Do("GET", "/v1/auth/me", nil, admin.AccessToken).Expect(t, http.StatusOK).JSON(t, &me)
		if me.Email != "admin@acme.io" || me.Role != "admin" || me.CorporationID != corp.ID {
			t.Fatalf("me %+v", me)
		}

		var guest userBody
		a.Do("POST", "/v1/users", map[string]string{"email": "guest@acme.io", "password": "guest-password", "role": "guest"}, admin.AccessToken).
			Expect(t, http.StatusCreated).JSON(t, &guest)
		a.Do("POST", "/v1/users", `{"email":"x@acme.io","password":"guest-password","role":"guest","point":100}`, admin.AccessToken).
			Expect(t, http.StatusUnprocessableEntity)
		guestTokens := login(t, a, "guest@acme.io", "guest-password")

		var list []userBody
		a.Do("GET", "/v1/users", nil, admin.AccessToken).Expect(t, http.StatusOK).JSON(t, &list)
		if len(list) != 2 {
			t.Fatalf("users %+v", list)
		}
		a.Do("GET", "/v1/users", nil, guestTokens.AccessToken).Expect(t, http.StatusForbidden)
		a.Do("GET", fmt.Sprintf("/v1/users/id/%d", guest.ID), nil, admin.AccessToken).Expect(t, http.StatusOK)
		a.Do("GET", "/v1/users/guest@acme.io", nil, guestTokens.AccessToken).Expect(t, http.StatusOK)
		a.Do("GET", fmt.Sprintf("/v1/users/id/%d", me.ID), nil, guestTokens.AccessToken).Expect(t, http.StatusNotFound)

		a.Do("PUT", fmt.Sprintf("/v1/users/%d", guest.ID), map[string]string{"role": "admin"}, guestTokens.AccessToken).Expect(t, http.StatusForbidden)
		a.Do("PUT", fmt.Sprintf("/v1/users/%d", guest.ID), map[string]string{"password": "new-guest-password"}, guestTokens.AccessToken).Expect(t, http.StatusUnprocessableEntity)
		a.Do("PUT", fmt.Sprintf("/v1/users/%d", guest.ID), map[string]string{"password": "new-guest-password", "current_password": "guest-password"}, guestTokens.AccessToken).Expect(t, http.StatusOK)
		a.Do("GET", "/v1/auth/me", nil, guestTokens.AccessToken).Expect(t, http.StatusUnauthorized)
		a.Do("POST", "/v1/auth/login", map[string]string{"email": "guest@acme.io", "password": "guest-password"}, "").Expect(t, http.StatusUnauthorized)
		guestTokens = login(t, a, "guest@acme.io", "new-guest-password")
		a.Do("PUT", fmt.Sprintf("/v1/corporations/%d", corp.ID), map[string]string{"name": "Acme", "plan_type": "FREE"}, guestTokens.AccessToken).Expect(t, http.StatusForbidden)
		var updated corporationBody
		a.Do("PUT", fmt.Sprintf("/v1/corporations/%d", corp.ID), map[string]string{"name": "Acme Inc", "plan_type": "FREE"}, admin.AccessToken).
			Expect(t, http.StatusOK).JSON(t, &updated)
		if updated.Name != "Acme Inc" || updated.EffectivePlan != "FREE" {
			t.Fatalf("updated %+v", updated)
		}

		// Deleting the guest ends its access at once.
		a.Do("DELETE", fmt.Sprintf("/v1/users/%d", guest.ID), nil, admin.AccessToken).Expect(t, http.StatusNoContent)
		a.Do("GET", "/v1/auth/me", nil, guestTokens.AccessToken).Expect(t, http.StatusUnauthorized)
		a.Do("POST", "/v1/auth/login", map[string]string{"email": "guest@acme.io", "password": "new-guest-password"}, "").Expect(t, http.StatusUnauthorized)

		// Deleting the corporation locks its admin out and frees the name.
		a.Do("DELETE", fmt.Sprintf("/v1/corporations/%d", corp.ID), nil, admin.AccessToken).Expect(t, http.StatusNoContent)
		a.Do("GET", "/v1/auth/me", nil, admin.AccessToken).Expect(t, http.StatusUnauthorized)
		a.Do("POST", "/v1/auth/login", map[string]string{"email": "admin@acme.io", "password": "admin-password"}, "").Expect(t, http.StatusUnauthorized)
		a.Do("POST", "/v1/corporations", map[string]any{
			"name": "Acme Inc", "plan_type": "FREE", "admin_email": "admin@acme.io", "admin_password": "admin-password",
		}, "").Expect(t, http.StatusCreated)
		again := login(t, a, "admin@acme.io", "admin-password")
		a.Do("GET", fmt.Sprintf("/v1/corporations/id/%d", corp.ID), nil, again.AccessToken).Expect(t, http.StatusNotFound)
	})
}

// TestPlanExpiryJobRunsInTheApp checks the scheduled downgrade end to end: once a PAID
// plan has expired, the job sets plan_type to FREE and counts it in the metrics.
func TestPlanExpiryJobRunsInTheApp(t *testing.T) {
	apptest.Each(t, map[string]string{"PLAN_EXPIRY_INTERVAL": "300ms"}, func(t *testing.T, a *apptest.App) {
		var corp corporationBody
		a.Do("POST", "/v1/corporations", map[string]any{
			"name": "Shortlived", "plan_type": "PAID", "plan_expired_at": "2999-12-31",
			"admin_email": "admin@short.io", "admin_password": "admin-password",
		}, "").Expect(t, http.StatusCreated).JSON(t, &corp)
		if corp.PlanType != "PAID" || corp.EffectivePlan != "PAID" {
			t.Fatalf("created %+v", corp)
		}
		// The plan expired an hour ago; the job, every 300ms, must downgrade it.
		if err := a.DB.Gorm.Exec("UPDATE corporations SET plan_expired_at = ? WHERE id = ?", time.Now().UTC().Add(-time.Hour), corp.ID).Error; err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(30 * time.Second)
		admin := login(t, a, "admin@short.io", "admin-password")
		for {
			var got corporationBody
			a.Do("GET", fmt.Sprintf("/v1/corporations/id/%d", corp.ID), nil, admin.AccessToken).Expect(t, http.StatusOK).JSON(t, &got)
			if got.PlanType == "FREE" {
				if got.EffectivePlan != "FREE" {
					t.Fatalf("downgraded but effective plan %s", got.EffectivePlan)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("still %+v after the plan expired", got)
			}
			time.Sleep(100 * time.Millisecond)
		}
		metrics := a.Do("GET", "/metrics", nil, "").Expect(t, http.StatusOK)
		if !strings.Contains(string(metrics.Body), "vms_plan_expiry_downgraded_total 1") {
			t.Fatalf("downgrade not counted:\n%s", grepLines(string(metrics.Body), "plan_expiry"))
		}
	})
}

func grepLines(s, substr string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

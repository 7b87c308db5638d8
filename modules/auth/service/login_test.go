package service_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"vms/modules/auth/domain"
	"vms/modules/auth/fake"
	"vms/modules/auth/service"
	"vms/platform/kind"
)

var ctx = context.Background()

func TestLoginIssuesPair(t *testing.T) {
	e := newEnv(t)
	pair, err := e.svc.Login(ctx, " Admin@ACME.example ", adminPW, "192.0.2.1")
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	if pair.ExpiresIn != 15*time.Minute || pair.RefreshToken == "" || len(pair.RefreshToken) != 43 {
		t.Fatalf("pair %+v", pair)
	}
	c, err := e.signer.ParseAccess(pair.AccessToken)
	if err != nil || c.UserID != admin.UserID || c.CorporationID != admin.CorporationID || c.Role != "admin" {
		t.Fatalf("access claims %+v %v", c, err)
	}
	rows := e.store.All()
	if len(rows) != 1 {
		t.Fatalf("%d sessions, want 1", len(rows))
	}
	s := rows[0]
	if s.TokenHash != service.HashToken(pair.RefreshToken) || s.TokenHash == pair.RefreshToken || len(s.TokenHash) != 64 {
		t.Fatalf("stored hash %q", s.TokenHash)
	}
	if s.UserID != admin.UserID || s.FamilyID == "" || !s.ExpiresAt.Equal(t0.Add(refreshTTL)) || !s.CreatedAt.Equal(t0) || s.RevokedAt != nil {
		t.Fatalf("session %+v", s)
	}
	again, _ := e.svc.Login(ctx, "admin@acme.example", adminPW, "192.0.2.1")
	rows = e.store.All()
	if again.RefreshToken == pair.RefreshToken || rows[1].FamilyID == rows[0].FamilyID {
		t.Fatal("a second login must open a new family with a new token")
	}
}

func TestLoginFailuresLookAlike(t *testing.T) {
	e := newEnv(t)
	_, unknown := e.svc.Login(ctx, "nobody@acme.example", adminPW, "192.0.2.1")
	_, wrong := e.svc.Login(ctx, "admin@acme.example", "wrong-password", "192.0.2.1")
	if unknown != domain.ErrInvalidCredentials || wrong != domain.ErrInvalidCredentials {
		t.Fatalf("unknown e-mail %v, wrong password %v; want the same ErrInvalidCredentials", unknown, wrong)
	}
	e.accounts.Delete(guest.UserID)
	if _, err := e.svc.Login(ctx, "guest@acme.example", guestPW, "192.0.2.1"); err != domain.ErrInvalidCredentials {
		t.Fatalf("deleted user: %v", err)
	}
	if n := len(e.store.All()); n != 0 {
		t.Fatalf("%d sessions stored after failures", n)
	}
}

func TestLoginValidation(t *testing.T) {
	cases := []struct {
		name, email, password string
		fields                []string
	}{
		{"empty", "", "", []string{"email", "password"}},
		{"no at", "admin.acme.example", "x", []string{"email"}},
		{"display name", "Admin <admin@acme.example>", "x", []string{"email"}},
		{"long password", "admin@acme.example", string(make([]byte, domain.MaxPasswordLength+1)), []string{"password"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			_, err := e.svc.Login(ctx, tc.email, tc.password, "192.0.2.1")
			var v *kind.ValidationError
			if !errors.As(err, &v) || v.Kind() != kind.Invalid {
				t.Fatalf("error %v, want validation", err)
			}
			if len(v.Fields) != len(tc.fields) {
				t.Fatalf("fields %v, want %v", v.Fields, tc.fields)
			}
			for _, f := range tc.fields {
				if v.Fields[f] == "" {
					t.Fatalf("fields %v lack %s", v.Fields, f)
				}
			}
			if e.accounts.VerifyCalls() != 0 {
				t.Fatal("invalid input reached the password check")
			}
		})
	}
}

func TestLoginRateLimitPerEmail(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < service.MaxFailuresPerEmail; i++ {
		if _, err := e.svc.Login(ctx, "admin@acme.example", "wrong", "192.0.2."+string(rune('1'+i))); err != domain.ErrInvalidCredentials {
			t.Fatalf("failure %d: %v", i+1, err)
		}
	}
	e.clock.Advance(time.Minute)
	calls := e.accounts.VerifyCalls()
	_, err := e.svc.Login(ctx, "ADMIN@acme.example", adminPW, "198.51.100.7")
	var rl *domain.RateLimitedError
	if !errors.As(err, &rl) || rl.Kind() != kind.RateLimited {
		t.Fatalf("blocked login: %v, want rate limited", err)
	}
	if rl.RetryAfter() != service.LoginWindow-time.Minute {
		t.Fatalf("retry after %v, want %v", rl.RetryAfter(), service.LoginWindow-time.Minute)
	}
	if e.accounts.VerifyCalls() != calls {
		t.Fatal("a blocked attempt still checked the password")
	}
	if _, err := e.svc.Login(ctx, "guest@acme.example", guestPW, "198.51.100.7"); err != nil {
		t.Fatalf("another e-mail is not limited: %v", err)
	}
	e.clock.Advance(service.LoginWindow - time.Minute)
	if _, err := e.svc.Login(ctx, "admin@acme.example", adminPW, "198.51.100.7"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

func TestLoginRateLimitPerIP(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < service.MaxFailuresPerIP; i++ {
		email := "nobody" + string(rune('a'+i)) + "@acme.example"
		if _, err := e.svc.Login(ctx, email, "wrong", "203.0.113.9"); err != domain.ErrInvalidCredentials {
			t.Fatalf("failure %d: %v", i+1, err)
		}
	}
	var rl *domain.RateLimitedError
	if _, err := e.svc.Login(ctx, "admin@acme.example", adminPW, "203.0.113.9"); !errors.As(err, &rl) {
		t.Fatalf("IP over its limit: %v", err)
	}
	if _, err := e.svc.Login(ctx, "admin@acme.example", adminPW, "203.0.113.10"); err != nil {
		t.Fatalf("another IP: %v", err)
	}
}

func TestLoginSuccessDoesNotCount(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < service.MaxFailuresPerEmail-1; i++ {
		_, _ = e.svc.Login(ctx, "admin@acme.example", "wrong", "192.0.2.1")
	}
	for i := 0; i < 3*service.MaxFailuresPerIP; i++ {
		if _, err := e.svc.Login(ctx, "admin@acme.example", adminPW, "192.0.2.1"); err != nil {
			t.Fatalf("success %d: %v", i+1, err)
		}
	}
	if _, err := e.svc.Login(ctx, "admin@acme.example", "wrong", "192.0.2.1"); err != domain.ErrInvalidCredentials {
		t.Fatalf("last allowed failure: %v", err)
	}
	var rl *domain.RateLimitedError
	if _, err := e.svc.Login(ctx, "admin@acme.example", adminPW, "192.0.2.1"); !errors.As(err, &rl) {
		t.Fatalf("after %d failures: %v, want rate limited", service.MaxFailuresPerEmail, err)
	}
}

func TestLoginAccountsDown(t *testing.T) {
	e := newEnv(t)
	e.accounts.Err = fake.ErrDown
	for i := 0; i < service.MaxFailuresPerEmail+1; i++ {
		_, err := e.svc.Login(ctx, "admin@acme.example", adminPW, "192.0.2.1")
		if !errors.Is(err, fake.ErrDown) || kind.Of(err) == kind.Unauthorized {
			t.Fatalf("outage: %v", err)
		}
	}
	e.accounts.Err = nil
	if _, err := e.svc.Login(ctx, "admin@acme.example", adminPW, "192.0.2.1"); err != nil {
		t.Fatalf("an outage must not count as failures: %v", err)
	}
}

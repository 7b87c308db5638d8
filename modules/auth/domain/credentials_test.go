package domain_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"vms/modules/auth/domain"
	"vms/platform/kind"
)

func TestValidateLogin(t *testing.T) {
	cases := []struct {
		email, password string
		want            string
		bad             []string
	}{
		{"admin@acme.example", "pw", "admin@acme.example", nil},
		{"  Admin@ACME.example ", "pw", "admin@acme.example", nil},
		{"", "pw", "", []string{"email"}},
		{"   ", "", "", []string{"email", "password"}},
		{"admin", "pw", "", []string{"email"}},
		{"a@b@c", "pw", "", []string{"email"}},
		{"Admin <admin@acme.example>", "pw", "", []string{"email"}},
		{strings.Repeat("a", 250) + "@x.example", "pw", "", []string{"email"}},
		{"admin@acme.example", strings.Repeat("p", domain.MaxPasswordLength+1), "", []string{"password"}},
	}
	for _, tc := range cases {
		got, err := domain.ValidateLogin(tc.email, tc.password)
		if tc.bad == nil {
			if err != nil || got != tc.want {
				t.Errorf("%q: %q %v, want %q", tc.email, got, err, tc.want)
			}
			continue
		}
		var v *kind.ValidationError
		if !errors.As(err, &v) || len(v.FieldErrors()) != len(tc.bad) {
			t.Errorf("%q/%d bytes: %v, want fields %v", tc.email, len(tc.password), err, tc.bad)
			continue
		}
		for _, f := range tc.bad {
			if v.Fields[f] == "" {
				t.Errorf("%q: fields %v lack %s", tc.email, v.Fields, f)
			}
		}
	}
}

func TestSessionUsable(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	revoked := now.Add(-time.Minute)
	cases := map[string]struct {
		s    domain.Session
		want bool
	}{
		"live":    {domain.Session{ExpiresAt: now.Add(time.Second)}, true},
		"expired": {domain.Session{ExpiresAt: now}, false},
		"revoked": {domain.Session{ExpiresAt: now.Add(time.Hour), RevokedAt: &revoked}, false},
	}
	for name, tc := range cases {
		if got := tc.s.Usable(now); got != tc.want {
			t.Errorf("%s: %v, want %v", name, got, tc.want)
		}
	}
}

func TestErrorKinds(t *testing.T) {
	cases := map[error]kind.Kind{
		domain.ErrInvalidCredentials:      kind.Unauthorized,
		domain.ErrInvalidRefreshToken:     kind.Unauthorized,
		domain.ErrUnauthenticated:         kind.Unauthorized,
		domain.ErrForbidden:               kind.Forbidden,
		domain.ErrUserNotFound:            kind.NotFound,
		&domain.RateLimitedError{Wait: 3}: kind.RateLimited,
	}
	for err, want := range cases {
		if got := kind.Of(fmt.Errorf("wrapped: %w", err)); got != want {
			t.Errorf("%v is %v, want %v", err, got, want)
		}
	}
}

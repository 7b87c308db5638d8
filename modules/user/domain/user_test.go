package domain

import (
	"errors"
	"strings"
	"testing"

	"vms/platform/kind"
)

func TestNormalizeEmail(t *testing.T) {
	good := map[string]string{
		"a@b.io":                  "a@b.io",
		"  Alice@Example.COM ":    "alice@example.com",
		"first.last+tag@sub.x.io": "first.last+tag@sub.x.io",
	}
	for in, want := range good {
		if got, err := NormalizeEmail(in); err != nil || got != want {
			t.Errorf("NormalizeEmail(%q) = %q, %v", in, got, err)
		}
	}
	bad := []string{
		"", "   ", "plain", "a@b", "@b.io", "a@", "a@@b.io", "a@b@c.io", "a b@c.io",
		"Alice <a@b.io>", "a@.b.io", "a@b.io.", "a@b..io", "a@[127.0.0.1]", `"a"@b.io x`,
		strings.Repeat("a", 250) + "@b.io",
	}
	for _, in := range bad {
		if got, err := NormalizeEmail(in); err == nil {
			t.Errorf("NormalizeEmail(%q) accepted as %q", in, got)
		}
	}
}

func TestValidatePassword(t *testing.T) {
	for _, pw := range []string{"12345678", strings.Repeat("x", 72), "pässwörd"} {
		if err := ValidatePassword(pw); err != nil {
			t.Errorf("%q: %v", pw, err)
		}
	}
	for _, pw := range []string{"", "1234567", strings.Repeat("x", 73), strings.Repeat("é", 37)} {
		if err := ValidatePassword(pw); err == nil {
			t.Errorf("%q (%d bytes) accepted", pw, len(pw))
		}
	}
}

func TestParseRole(t *testing.T) {
	for in, want := range map[string]Role{"admin": RoleAdmin, "guest": RoleGuest, " Guest ": RoleGuest} {
		if got, err := ParseRole(in); err != nil || got != want {
			t.Errorf("ParseRole(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "root", "owner"} {
		if _, err := ParseRole(in); err == nil {
			t.Errorf("ParseRole(%q) accepted", in)
		}
	}
}

func TestParseCredentials(t *testing.T) {
	c, err := ParseCredentials(" A@B.io ", "password1", "guest")
	if err != nil || c.Email != "a@b.io" || c.Role != RoleGuest {
		t.Fatalf("%+v %v", c, err)
	}
	_, err = ParseCredentials("nope", "short", "king")
	var ve *kind.ValidationError
	if !errors.As(err, &ve) || len(ve.FieldErrors()) != 3 || ve.Kind() != kind.Invalid {
		t.Fatalf("%v", err)
	}
}

package domain

import (
	"errors"
	"strings"
	"testing"
	"time"

	"vms/platform/kind"
)

func sp(s string) *string { return &s }

func TestParseExpiry(t *testing.T) {
	cases := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2030-12-31", time.Date(2030, 12, 31, 0, 0, 0, 0, time.UTC), true},
		{"2030-12-31T10:00:00Z", time.Date(2030, 12, 31, 10, 0, 0, 0, time.UTC), true},
		{"2030-12-31T10:00:00+02:00", time.Date(2030, 12, 31, 8, 0, 0, 0, time.UTC), true},
		{" 2030-01-01 ", time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"2030-13-01", time.Time{}, false},
		{"31/12/2030", time.Time{}, false},
		{"2030-12-31 10:00:00", time.Time{}, false},
		{"tomorrow", time.Time{}, false},
	}
	for _, c := range cases {
		got, err := ParseExpiry(c.in)
		if (err == nil) != c.ok || (c.ok && (!got.Equal(c.want) || got.Location() != time.UTC)) {
			t.Errorf("ParseExpiry(%q) = %v, %v; want %v ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
}

func TestParsePlan(t *testing.T) {
	for in, want := range map[string]Plan{"FREE": PlanFree, "PAID": PlanPaid, "paid": PlanPaid, " free ": PlanFree} {
		if got, err := ParsePlan(in); err != nil || got != want {
			t.Errorf("ParsePlan(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "GOLD", "PAIDX"} {
		if _, err := ParsePlan(in); err == nil {
			t.Errorf("ParsePlan(%q) accepted", in)
		}
	}
}

func TestNormalizeName(t *testing.T) {
	if n, err := NormalizeName("  Acme  "); err != nil || n != "Acme" {
		t.Fatalf("got %q %v", n, err)
	}
	if n, err := NormalizeName(strings.Repeat("é", 100)); err != nil || n == "" {
		t.Fatalf("100 characters rejected: %v", err)
	}
	if n, err := NormalizeName("Acme Video~Works"); err != nil || n != "Acme Video~Works" {
		t.Fatalf("inner space and the last printable ASCII character: %q %v", n, err)
	}
	for _, in := range []string{"", "   ", strings.Repeat("a", 101), "a\nb", "\x00", "a\x1fb", "a\x7fb", "a\xffb"} {
		if _, err := NormalizeName(in); err == nil {
			t.Errorf("NormalizeName(%q) accepted", in)
		}
	}
}

func TestParseDetails(t *testing.T) {
	d, err := ParseDetails(DetailsInput{Name: " Acme ", PlanType: "PAID", PlanExpiredAt: sp("2030-01-01")})
	if err != nil || d.Name != "Acme" || d.PlanType != PlanPaid || d.PlanExpiredAt == nil {
		t.Fatalf("got %+v %v", d, err)
	}
	d, err = ParseDetails(DetailsInput{Name: "Acme", PlanType: "FREE"})
	if err != nil || d.PlanExpiredAt != nil {
		t.Fatalf("free without expiry: %+v %v", d, err)
	}
	cases := []struct {
		in     DetailsInput
		fields []string
	}{
		{DetailsInput{Name: "Acme", PlanType: "PAID"}, []string{"plan_expired_at"}},
		{DetailsInput{Name: "Acme", PlanType: "PAID", PlanExpiredAt: sp("")}, []string{"plan_expired_at"}},
		{DetailsInput{Name: "", PlanType: "GOLD", PlanExpiredAt: sp("soon")}, []string{"name", "plan_type", "plan_expired_at"}},
	}
	for _, c := range cases {
		_, err := ParseDetails(c.in)
		var ve *kind.ValidationError
		if !errors.As(err, &ve) || ve.Kind() != kind.Invalid {
			t.Fatalf("%+v: %v", c.in, err)
		}
		if len(ve.FieldErrors()) != len(c.fields) {
			t.Errorf("%+v: fields %v, want %v", c.in, ve.FieldErrors(), c.fields)
		}
		for _, f := range c.fields {
			if ve.FieldErrors()[f] == "" {
				t.Errorf("%+v: no error for %s", c.in, f)
			}
		}
	}
}

func TestEffectivePlan(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { t := now.Add(d); return &t }
	cases := []struct {
		name string
		c    Corporation
		want Plan
	}{
		{"paid in future", Corporation{PlanType: PlanPaid, PlanExpiredAt: at(time.Second)}, PlanPaid},
		{"paid expiring now", Corporation{PlanType: PlanPaid, PlanExpiredAt: at(0)}, PlanFree},
		{"paid expired", Corporation{PlanType: PlanPaid, PlanExpiredAt: at(-time.Hour)}, PlanFree},
		{"paid without expiry", Corporation{PlanType: PlanPaid}, PlanFree},
		{"free with future expiry", Corporation{PlanType: PlanFree, PlanExpiredAt: at(time.Hour)}, PlanFree},
	}
	for _, c := range cases {
		if got := c.c.EffectivePlan(now); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestErrorKinds(t *testing.T) {
	for err, want := range map[*kind.Error]kind.Kind{ErrNotFound: kind.NotFound, ErrNameTaken: kind.Conflict, ErrForbidden: kind.Forbidden} {
		if err.Kind() != want {
			t.Errorf("%v: %v", err, err.Kind())
		}
	}
}

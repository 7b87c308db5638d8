package principal

import (
	"context"
	"errors"
	"slices"
	"testing"

	"vms/platform/kind"
)

func TestPrincipalInContext(t *testing.T) {
	if _, ok := From(context.Background()); ok {
		t.Fatal("principal found in a bare context")
	}
	p := Principal{UserID: 1, CorporationID: 2, Role: RoleAdmin}
	got, ok := From(With(context.Background(), p))
	if !ok || got != p {
		t.Fatalf("From = %+v, %v", got, ok)
	}
	if !p.IsAdmin() || !p.AdminOf(2) || p.AdminOf(3) || p.IsKey() {
		t.Fatal("admin checks")
	}
	guest := Principal{UserID: 1, CorporationID: 2, Role: RoleGuest}
	if guest.IsAdmin() || guest.AdminOf(2) {
		t.Fatal("guest passes admin checks")
	}
	if (Principal{}).IsKey() || (Principal{}).IsAdmin() {
		t.Fatal("the anonymous principal is a key or an admin")
	}
}

func TestKeyPrincipal(t *testing.T) {
	k := Principal{Kind: KindAPIKey, KeyID: 5, CorporationID: 2, Scopes: ScopesOf(VideosRead, UsersWrite)}
	if !k.IsKey() || !k.IsAdmin() || !k.AdminOf(2) || k.AdminOf(3) {
		t.Fatal("a key acts as an admin of its own corporation only")
	}
	if !k.Has(VideosRead) || !k.Has(UsersWrite) || k.Has(VideosWrite) || k.Has(0) {
		t.Fatal("Has")
	}
	admin := Principal{UserID: 1, CorporationID: 2, Role: RoleAdmin}
	if admin.Has(VideosRead) {
		t.Fatal("a user holds a scope")
	}

	cases := []struct {
		name   string
		p      Principal
		scopes []Scope
		want   error
	}{
		{"user, no scope named", admin, nil, nil},
		{"guest, scope named", Principal{UserID: 3, Role: RoleGuest}, []Scope{UsersWrite}, nil},
		{"anonymous", Principal{}, []Scope{VideosRead}, nil},
		{"key, no scope named", k, nil, ErrKeyNotAllowed},
		{"key holds it", k, []Scope{VideosRead}, nil},
		{"key holds both", k, []Scope{VideosRead, UsersWrite}, nil},
		{"key lacks it", k, []Scope{VideosWrite}, &MissingScopeError{Scope: VideosWrite}},
		{"key lacks the second", k, []Scope{VideosRead, AnalyticsRead}, &MissingScopeError{Scope: AnalyticsRead}},
	}
	for _, tc := range cases {
		err := tc.p.Require(tc.scopes...)
		var got, want *MissingScopeError
		switch {
		case tc.want == nil && err != nil:
			t.Errorf("%s: %v, want nil", tc.name, err)
		case errors.As(tc.want, &want):
			if !errors.As(err, &got) || got.Scope != want.Scope {
				t.Errorf("%s: %v, want missing %s", tc.name, err, want.Scope)
			}
		case tc.want != nil && !errors.Is(err, tc.want):
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
		if err != nil && kind.Of(err) != kind.Forbidden {
			t.Errorf("%s: kind %v, want forbidden", tc.name, kind.Of(err))
		}
	}
	if msg := (&MissingScopeError{Scope: WebhooksWrite}).Error(); msg != "the API key lacks the scope webhooks:write that this route needs" {
		t.Errorf("message %q", msg)
	}
}

func TestScopes(t *testing.T) {
	names := []string{"videos:read", "videos:write", "users:read", "users:write", "webhooks:write", "analytics:read"}
	all := AllScopes()
	if len(all) != len(names) {
		t.Fatalf("AllScopes = %v", all)
	}
	for i, s := range all {
		if s.String() != names[i] {
			t.Errorf("scope %d is %q, want %q", i, s, names[i])
		}
		got, ok := ParseScope(names[i])
		if !ok || got != s {
			t.Errorf("ParseScope(%q) = %v, %v", names[i], got, ok)
		}
	}
	for _, bad := range []string{"", "videos", "VIDEOS:READ", "videos:read ", "admin", "unknown"} {
		if s, ok := ParseScope(bad); ok {
			t.Errorf("ParseScope(%q) = %v", bad, s)
		}
	}
	if Scope(0).String() != "unknown" || Scope(200).String() != "unknown" {
		t.Error("String of a scope that is none")
	}
	set := ScopesOf(AnalyticsRead, VideosRead, VideosRead)
	if set.Len() != 2 || !slices.Equal(set.Names(), []string{"videos:read", "analytics:read"}) {
		t.Errorf("set %v: %d %v", set, set.Len(), set.Names())
	}
	if ScopesOf(all...).Len() != len(all) || Scopes(0).Len() != 0 || len(Scopes(0).Names()) != 0 {
		t.Error("full and empty sets")
	}
}

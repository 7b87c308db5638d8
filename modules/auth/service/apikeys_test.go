package service_test

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"vms/modules/auth/domain"
	"vms/modules/auth/fake"
	"vms/modules/auth/service"
	"vms/modules/corporation/corporationevents"
	"vms/platform/clock"
	"vms/platform/kind"
	"vms/platform/principal"
)

var (
	adminA = principal.Principal{UserID: 1, CorporationID: 10, Role: principal.RoleAdmin}
	guestA = principal.Principal{UserID: 2, CorporationID: 10, Role: principal.RoleGuest}
	adminB = principal.Principal{UserID: 3, CorporationID: 20, Role: principal.RoleAdmin}
)

type keyEnv struct {
	keys  *service.Keys
	auth  *service.Authenticator
	store *fake.Keys
	cache *service.KeyCache
	used  *service.LastUsed
	clock *clock.Fake
}

func newKeyEnv(t *testing.T) *keyEnv {
	t.Helper()
	c := clock.NewFake(t0)
	store := fake.NewKeys()
	cache := service.NewKeyCache(c, service.KeyCacheTTL, 100)
	used := service.NewLastUsed(store, c)
	keys := service.NewKeys(store, store, c, cache, used)
	return &keyEnv{
		keys:  keys,
		auth:  service.NewAuthenticator(fake.NewAccounts(), nil, nil, keys),
		store: store, cache: cache, used: used, clock: c,
	}
}

func (e *keyEnv) create(t *testing.T, caller principal.Principal, scopes ...string) (domain.APIKey, string) {
	t.Helper()
	k, secret, err := e.keys.Create(ctx, caller, service.NewKeyInput{Name: "ci", Scopes: scopes})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	return k, secret
}

func (e *keyEnv) authenticate(secret string) (principal.Principal, error) {
	return e.auth.Authenticate(ctx, service.Credentials{Bearer: secret}, false)
}

func TestCreateKey(t *testing.T) {
	e := newKeyEnv(t)
	k, secret, err := e.keys.Create(ctx, adminA, service.NewKeyInput{
		Name: "  CI uploads ", Scopes: []string{"videos:write", "videos:read", "videos:write"}, ExpiresAt: "2026-04-01",
	})
	if err != nil {
		t.Fatal(err)
	}
	if !domain.WellFormedKey(secret) || !strings.HasPrefix(secret, "vms_") || len(secret) != 68 {
		t.Fatalf("key %q", secret)
	}
	stored, _ := e.store.Get(k.ID)
	if stored.Hash != service.HashToken(secret) || strings.Contains(stored.Hash, secret[4:]) {
		t.Fatalf("stored hash %q is not the SHA-256 of the key", stored.Hash)
	}
	if k.Prefix != secret[:12] || stored.Prefix != k.Prefix {
		t.Fatalf("prefix %q of %q", k.Prefix, secret)
	}
	if k.Name != "CI uploads" || k.CorporationID != 10 || !slices.Equal(k.Scopes, []string{"videos:read", "videos:write"}) || !k.CreatedAt.Equal(t0) {
		t.Fatalf("key %+v", k)
	}
	if k.ExpiresAt == nil || !k.ExpiresAt.Equal(time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("expires %v", k.ExpiresAt)
	}
	_, again := e.create(t, adminA, "users:read")
	if again == secret || again[:12] == secret[:12] {
		t.Fatalf("two keys share a prefix: %q %q", secret, again)
	}
}

func TestCreateKeyRefusals(t *testing.T) {
	e := newKeyEnv(t)
	key := principal.Principal{Kind: principal.KindAPIKey, KeyID: 1, CorporationID: 10, Scopes: principal.ScopesOf(principal.AllScopes()...)}
	for name, caller := range map[string]principal.Principal{"guest": guestA, "API key": key, "anonymous": {}} {
		if _, _, err := e.keys.Create(ctx, caller, service.NewKeyInput{Name: "x", Scopes: []string{"videos:read"}}); !errors.Is(err, domain.ErrKeysAdminOnly) {
			t.Errorf("%s: %v, want ErrKeysAdminOnly", name, err)
		}
	}
	cases := map[string]struct {
		in     service.NewKeyInput
		fields []string
	}{
		"nothing":         {service.NewKeyInput{}, []string{"name", "scopes"}},
		"blank name":      {service.NewKeyInput{Name: "  ", Scopes: []string{"videos:read"}}, []string{"name"}},
		"long name":       {service.NewKeyInput{Name: strings.Repeat("é", 101), Scopes: []string{"videos:read"}}, []string{"name"}},
		"unknown scope":   {service.NewKeyInput{Name: "x", Scopes: []string{"videos:read", "admin"}}, []string{"scopes"}},
		"scope in caps":   {service.NewKeyInput{Name: "x", Scopes: []string{"VIDEOS:READ"}}, []string{"scopes"}},
		"empty scopes":    {service.NewKeyInput{Name: "x", Scopes: []string{}}, []string{"scopes"}},
		"past expiry":     {service.NewKeyInput{Name: "x", Scopes: []string{"videos:read"}, ExpiresAt: "2026-03-01T12:00:00Z"}, []string{"expires_at"}},
		"bad expiry":      {service.NewKeyInput{Name: "x", Scopes: []string{"videos:read"}, ExpiresAt: "next week"}, []string{"expires_at"}},
		"every field bad": {service.NewKeyInput{Name: "", Scopes: []string{"x"}, ExpiresAt: "1999-01-01"}, []string{"expires_at", "name", "scopes"}},
	}
	for name, tc := range cases {
		_, _, err := e.keys.Create(ctx, adminA, tc.in)
		var v *kind.ValidationError
		if !errors.As(err, &v) || kind.Of(err) != kind.Invalid || !slices.Equal(v.Names(), tc.fields) {
			t.Errorf("%s: %v, want invalid %v", name, err, tc.fields)
		}
	}
	_, _, err := e.keys.Create(ctx, adminA, service.NewKeyInput{Name: "x", Scopes: []string{"videos:read", "admin"}})
	var v *kind.ValidationError
	if errors.As(err, &v) && !strings.Contains(v.Fields["scopes"], `"admin"`) {
		t.Errorf("the unknown scope is not named: %q", v.Fields["scopes"])
	}
	if n := e.store.Calls("Create"); n != 0 {
		t.Fatalf("refused requests stored %d keys", n)
	}
}

func TestListAndRevokeKeys(t *testing.T) {
	e := newKeyEnv(t)
	a1, _ := e.create(t, adminA, "videos:read")
	e.create(t, adminB, "videos:read")
	a2, _ := e.create(t, adminA, "users:read")
	list, err := e.keys.List(ctx, adminA, 0, 10)
	if err != nil || len(list) != 2 || list[0].ID != a1.ID || list[1].ID != a2.ID {
		t.Fatalf("list %+v, %v", list, err)
	}
	if page, _ := e.keys.List(ctx, adminA, a1.ID, 10); len(page) != 1 || page[0].ID != a2.ID {
		t.Fatalf("second page %+v", page)
	}
	if _, err := e.keys.List(ctx, guestA, 0, 10); !errors.Is(err, domain.ErrKeysAdminOnly) {
		t.Fatalf("guest lists: %v", err)
	}
	if err := e.keys.Revoke(ctx, adminB, a1.ID); !errors.Is(err, domain.ErrKeyNotFound) {
		t.Fatalf("another corporation revokes: %v, want ErrKeyNotFound", err)
	}
	if err := e.keys.Revoke(ctx, guestA, a1.ID); !errors.Is(err, domain.ErrKeysAdminOnly) {
		t.Fatalf("guest revokes: %v", err)
	}
	if err := e.keys.Revoke(ctx, adminA, a1.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.keys.Revoke(ctx, adminA, a1.ID); err != nil {
		t.Fatalf("revoking again: %v", err)
	}
	if k, _ := e.store.Get(a1.ID); k.RevokedAt == nil || !k.RevokedAt.Equal(t0) {
		t.Fatalf("revoked at %v", k.RevokedAt)
	}
}

func TestAuthenticateKey(t *testing.T) {
	e := newKeyEnv(t)
	k, secret := e.create(t, adminA, "videos:read", "users:write")
	p, err := e.authenticate(secret)
	if err != nil {
		t.Fatal(err)
	}
	want := principal.Principal{Kind: principal.KindAPIKey, KeyID: k.ID, CorporationID: 10, Scopes: principal.ScopesOf(principal.VideosRead, principal.UsersWrite)}
	if p != want {
		t.Fatalf("principal %+v, want %+v", p, want)
	}
	// Within the cache lifetime the store is not read again.
	for range 5 {
		if _, err := e.authenticate(secret); err != nil {
			t.Fatal(err)
		}
	}
	if n := e.store.Calls("FindByHash"); n != 1 {
		t.Fatalf("%d lookups for 6 requests, want 1", n)
	}

	for name, tok := range map[string]string{
		"unknown":      "vms_" + strings.Repeat("a", 64),
		"short":        secret[:67],
		"long":         secret + "a",
		"upper case":   "vms_" + strings.ToUpper(secret[4:]),
		"not base32":   secret[:67] + "1",
		"prefix alone": "vms_",
	} {
		if _, err := e.authenticate(tok); !errors.Is(err, domain.ErrKeyNotValid) || kind.Of(err) != kind.Unauthorized {
			t.Errorf("%s: %v, want ErrKeyNotValid", name, err)
		}
	}
	if n := e.store.Calls("FindByHash"); n != 2 {
		t.Fatalf("%d lookups: malformed keys must not reach the store", n)
	}

	// Without key support the authenticator refuses keys.
	plain := service.NewAuthenticator(fake.NewAccounts(), nil, nil, nil)
	if _, err := plain.Authenticate(ctx, service.Credentials{Bearer: secret}, false); !errors.Is(err, domain.ErrKeyNotValid) {
		t.Fatalf("without keys: %v", err)
	}
}

func TestKeyExpiry(t *testing.T) {
	e := newKeyEnv(t)
	_, secret, err := e.keys.Create(ctx, adminA, service.NewKeyInput{Name: "short", Scopes: []string{"videos:read"}, ExpiresAt: t0.Add(time.Minute).Format(time.RFC3339)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.authenticate(secret); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Minute)
	if _, err := e.authenticate(secret); !errors.Is(err, domain.ErrKeyExpired) || kind.Of(err) != kind.Unauthorized {
		t.Fatalf("expired key (cached): %v, want ErrKeyExpired", err)
	}
}

func TestRevocationIsImmediateHereAndBoundedElsewhere(t *testing.T) {
	e := newKeyEnv(t)
	k, secret := e.create(t, adminA, "videos:read")
	if _, err := e.authenticate(secret); err != nil {
		t.Fatal(err)
	}
	if err := e.keys.Revoke(ctx, adminA, k.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.authenticate(secret); !errors.Is(err, domain.ErrKeyRevoked) {
		t.Fatalf("right after the revocation (cache warm): %v, want ErrKeyRevoked", err)
	}

	// Another replica's revocation: this replica trusts its cached key for at most
	// KeyCacheTTL.
	k2, secret2 := e.create(t, adminA, "videos:read")
	if _, err := e.authenticate(secret2); err != nil {
		t.Fatal(err)
	}
	if err := e.store.Revoke(ctx, 10, k2.ID, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(service.KeyCacheTTL - time.Millisecond)
	if _, err := e.authenticate(secret2); err != nil {
		t.Fatalf("within the cache bound: %v", err)
	}
	e.clock.Advance(time.Millisecond)
	if _, err := e.authenticate(secret2); !errors.Is(err, domain.ErrKeyRevoked) {
		t.Fatalf("past the cache bound: %v, want ErrKeyRevoked", err)
	}
	if service.KeyCacheTTL > 10*time.Second {
		t.Fatalf("key cache lifetime %v is longer than 10 s", service.KeyCacheTTL)
	}
}

func TestRevokedKeyReadBeforeTheRevocationIsNotCached(t *testing.T) {
	e := newKeyEnv(t)
	k, secret := e.create(t, adminA, "videos:read")
	// A request read the key just before the revocation and stores it just after.
	stale, _ := e.store.Get(k.ID)
	if err := e.keys.Revoke(ctx, adminA, k.ID); err != nil {
		t.Fatal(err)
	}
	if got := e.cache.Put(service.HashToken(secret), stale); !got.Revoked {
		t.Fatal("a key read before its revocation was cached as live")
	}
	if _, err := e.authenticate(secret); !errors.Is(err, domain.ErrKeyRevoked) {
		t.Fatalf("%v, want ErrKeyRevoked", err)
	}
}

func TestCorporationDeletedRevokesItsKeys(t *testing.T) {
	e := newKeyEnv(t)
	a, secretA := e.create(t, adminA, "videos:read")
	_, secretB := e.create(t, adminB, "videos:read")
	for _, s := range []string{secretA, secretB} {
		if _, err := e.authenticate(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.keys.CorporationDeleted(ctx, corporationevents.CorporationDeleted{CorporationID: 10}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.authenticate(secretA); !errors.Is(err, domain.ErrKeyRevoked) {
		t.Fatalf("key of the deleted corporation: %v", err)
	}
	if _, err := e.authenticate(secretB); err != nil {
		t.Fatalf("key of another corporation: %v", err)
	}
	if k, _ := e.store.Get(a.ID); k.RevokedAt == nil {
		t.Fatal("the key row is not revoked")
	}
	e.store.Err = fake.ErrInjected
	if err := e.keys.CorporationDeleted(ctx, corporationevents.CorporationDeleted{CorporationID: 20}); !errors.Is(err, fake.ErrInjected) {
		t.Fatalf("a failed revocation: %v, want the error (it rolls the deletion back)", err)
	}
}

// TestLastUsedIsWrittenAtMostOnceAMinute authenticates with one key many times and shows
// that last_used_at is written once per minute, by the flush, never per request.
func TestLastUsedIsWrittenAtMostOnceAMinute(t *testing.T) {
	e := newKeyEnv(t)
	k, secret := e.create(t, adminA, "videos:read")
	for range 100 {
		if _, err := e.authenticate(secret); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(500 * time.Millisecond) // 100 requests over 50 s
	}
	if n := e.store.Calls("TouchLastUsed"); n != 0 {
		t.Fatalf("%d writes during requests, want none before a flush", n)
	}
	if err := e.used.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.used.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if n := e.store.Calls("TouchLastUsed"); n != 1 {
		t.Fatalf("%d writes for 100 requests within a minute, want 1", n)
	}
	got, _ := e.store.Get(k.ID)
	if got.LastUsedAt == nil || !got.LastUsedAt.Equal(t0) {
		t.Fatalf("last used %v, want %v", got.LastUsedAt, t0)
	}

	// Still within the minute of the first use: noted already, nothing to write.
	e.clock.Advance(9 * time.Second) // t0 + 59 s
	_, _ = e.authenticate(secret)
	_ = e.used.Flush(ctx)
	if n := e.store.Calls("TouchLastUsed"); n != 1 {
		t.Fatalf("%d writes within the first minute, want 1", n)
	}
	// A minute after the first use, the next use is written.
	e.clock.Advance(time.Second)
	_, _ = e.authenticate(secret)
	_ = e.used.Flush(ctx)
	got, _ = e.store.Get(k.ID)
	if n := e.store.Calls("TouchLastUsed"); n != 2 || got.LastUsedAt == nil || !got.LastUsedAt.Equal(t0.Add(time.Minute)) {
		t.Fatalf("%d writes, last used %v; want 2 and %v", n, got.LastUsedAt, t0.Add(time.Minute))
	}
}

func TestLastUsedKeepsWhatFailedToBeWritten(t *testing.T) {
	e := newKeyEnv(t)
	k, _ := e.create(t, adminA, "videos:read")
	e.used.Touch(k.ID, t0)
	e.store.Err = fake.ErrInjected
	if err := e.used.Flush(ctx); !errors.Is(err, fake.ErrInjected) {
		t.Fatalf("flush: %v", err)
	}
	e.store.Err = nil
	if err := e.used.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.store.Get(k.ID); got.LastUsedAt == nil || !got.LastUsedAt.Equal(t0) {
		t.Fatalf("last used %v after a retried flush", got.LastUsedAt)
	}
	// Listing writes what this replica noted, so the list is current.
	e.clock.Advance(2 * time.Minute)
	e.used.Touch(k.ID, e.clock.Now())
	list, err := e.keys.List(ctx, adminA, 0, 10)
	if err != nil || len(list) != 1 || list[0].LastUsedAt == nil || !list[0].LastUsedAt.Equal(e.clock.Now()) {
		t.Fatalf("list %+v, %v", list, err)
	}
}

func TestLastUsedStopWritesWhatIsLeft(t *testing.T) {
	e := newKeyEnv(t)
	k, secret := e.create(t, adminA, "videos:read")
	if err := e.used.Start(ctx); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				_, _ = e.authenticate(secret)
			}
		}()
	}
	wg.Wait()
	if err := e.used.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.store.Get(k.ID); got.LastUsedAt == nil || e.store.Calls("TouchLastUsed") != 1 {
		t.Fatalf("after stop: last used %v, %d writes", got.LastUsedAt, e.store.Calls("TouchLastUsed"))
	}
}

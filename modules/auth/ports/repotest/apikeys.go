package repotest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"vms/modules/auth/domain"
	"vms/modules/auth/ports"
)

// KeySubject is an APIKeys implementation under test, with its unit of work and the ids
// of two existing corporations.
type KeySubject struct {
	Keys  ports.APIKeys
	UoW   ports.UnitOfWork
	CorpA int64
	CorpB int64
}

// APIKeys runs the contract; open returns a fresh, empty subject for each case.
func APIKeys(t *testing.T, open func(t *testing.T) KeySubject) {
	base := time.Date(2026, 3, 1, 12, 0, 0, 123456000, time.UTC)
	ctx := context.Background()
	newKey := func(corp int64, hash string) domain.APIKey {
		return domain.APIKey{CorporationID: corp, Name: "key " + hash, Prefix: "vms_" + hash, Hash: hash, Scopes: []string{"videos:read", "videos:write"}, CreatedAt: base}
	}
	mustCreate := func(t *testing.T, s KeySubject, k domain.APIKey) domain.APIKey {
		t.Helper()
		got, err := s.Keys.Create(ctx, k)
		if err != nil {
			t.Fatalf("create: %v", err)
		}
		return got
	}
	find := func(t *testing.T, s KeySubject, hash string) domain.APIKey {
		t.Helper()
		got, err := s.Keys.FindByHash(ctx, hash)
		if err != nil {
			t.Fatalf("find %s: %v", hash, err)
		}
		return got
	}

	t.Run("create and find", func(t *testing.T) {
		s := open(t)
		exp := base.Add(30 * 24 * time.Hour)
		in := newKey(s.CorpA, "h1")
		in.ExpiresAt = &exp
		got := mustCreate(t, s, in)
		if got.ID <= 0 {
			t.Fatalf("id %d, want positive", got.ID)
		}
		found := find(t, s, "h1")
		if found.ID != got.ID || found.CorporationID != s.CorpA || found.Name != "key h1" || found.Prefix != "vms_h1" || found.Hash != "h1" {
			t.Fatalf("found %+v", found)
		}
		if !slices.Equal(found.Scopes, []string{"videos:read", "videos:write"}) {
			t.Fatalf("scopes %q", found.Scopes)
		}
		if !found.CreatedAt.Equal(base) || found.ExpiresAt == nil || !found.ExpiresAt.Equal(exp) || found.LastUsedAt != nil || found.RevokedAt != nil {
			t.Fatalf("times %+v", found)
		}
		never := mustCreate(t, s, newKey(s.CorpA, "h2"))
		if f := find(t, s, "h2"); f.ID != never.ID || f.ExpiresAt != nil {
			t.Fatalf("key without expiry %+v", f)
		}
		if _, err := s.Keys.FindByHash(ctx, "nope"); !errors.Is(err, domain.ErrKeyNotFound) {
			t.Fatalf("unknown hash: %v, want ErrKeyNotFound", err)
		}
		if _, err := s.Keys.Create(ctx, newKey(s.CorpB, "h1")); err == nil {
			t.Fatal("a second key with the same hash was stored")
		}
	})

	t.Run("list by corporation", func(t *testing.T) {
		s := open(t)
		var want []int64
		for i, h := range []string{"a", "b", "c", "d", "e"} {
			corp := s.CorpA
			if i == 2 {
				corp = s.CorpB
			}
			k := mustCreate(t, s, newKey(corp, h))
			if corp == s.CorpA {
				want = append(want, k.ID)
			}
		}
		var got []int64
		after := int64(0)
		for range 10 {
			page, err := s.Keys.List(ctx, s.CorpA, after, 2)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range page {
				got = append(got, k.ID)
				if k.CorporationID != s.CorpA || k.Hash == "" || len(k.Scopes) != 2 {
					t.Fatalf("listed %+v", k)
				}
			}
			if len(page) < 2 {
				break
			}
			after = page[len(page)-1].ID
		}
		if !slices.Equal(got, want) {
			t.Fatalf("pages list %v, want %v", got, want)
		}
		if page, err := s.Keys.List(ctx, 999999, 0, 10); err != nil || len(page) != 0 {
			t.Fatalf("unknown corporation: %v %v", page, err)
		}
	})

	t.Run("revoke", func(t *testing.T) {
		s := open(t)
		k := mustCreate(t, s, newKey(s.CorpA, "r1"))
		other := mustCreate(t, s, newKey(s.CorpA, "r2"))
		if err := s.Keys.Revoke(ctx, s.CorpB, k.ID, base); !errors.Is(err, domain.ErrKeyNotFound) {
			t.Fatalf("another corporation's key: %v, want ErrKeyNotFound", err)
		}
		if err := s.Keys.Revoke(ctx, s.CorpA, 999999, base); !errors.Is(err, domain.ErrKeyNotFound) {
			t.Fatalf("unknown key: %v, want ErrKeyNotFound", err)
		}
		if find(t, s, "r1").RevokedAt != nil {
			t.Fatal("a refused revocation revoked the key")
		}
		at := base.Add(time.Hour)
		if err := s.Keys.Revoke(ctx, s.CorpA, k.ID, at); err != nil {
			t.Fatal(err)
		}
		if r := find(t, s, "r1").RevokedAt; r == nil || !r.Equal(at) {
			t.Fatalf("revoked at %v, want %v", r, at)
		}
		if err := s.Keys.Revoke(ctx, s.CorpA, k.ID, at.Add(time.Hour)); err != nil {
			t.Fatalf("revoking again: %v", err)
		}
		if r := find(t, s, "r1").RevokedAt; r == nil || !r.Equal(at) {
			t.Fatalf("revoking again moved revoked_at to %v", r)
		}
		if find(t, s, "r2").RevokedAt != nil {
			t.Fatalf("key %d was revoked with %d", other.ID, k.ID)
		}
	})

	t.Run("revoke a corporation", func(t *testing.T) {
		s := open(t)
		mustCreate(t, s, newKey(s.CorpA, "c1"))
		k2 := mustCreate(t, s, newKey(s.CorpA, "c2"))
		mustCreate(t, s, newKey(s.CorpB, "c3"))
		if err := s.Keys.Revoke(ctx, s.CorpA, k2.ID, base); err != nil {
			t.Fatal(err)
		}
		n, err := s.Keys.RevokeCorporation(ctx, s.CorpA, base.Add(time.Minute))
		if err != nil || n != 1 {
			t.Fatalf("revoked %d, %v; want 1 (the other was revoked already)", n, err)
		}
		if r := find(t, s, "c1").RevokedAt; r == nil || !r.Equal(base.Add(time.Minute)) {
			t.Fatalf("c1 revoked at %v", r)
		}
		if r := find(t, s, "c2").RevokedAt; r == nil || !r.Equal(base) {
			t.Fatalf("c2 revoked at %v, want its first revocation", r)
		}
		if find(t, s, "c3").RevokedAt != nil {
			t.Fatal("another corporation's key was revoked")
		}
	})

	t.Run("last use only moves forward", func(t *testing.T) {
		s := open(t)
		k := mustCreate(t, s, newKey(s.CorpA, "u1"))
		at := base.Add(time.Minute)
		for _, tc := range []struct {
			at, want time.Time
		}{{at, at}, {at.Add(-30 * time.Second), at}, {at.Add(2 * time.Minute), at.Add(2 * time.Minute)}} {
			if err := s.Keys.TouchLastUsed(ctx, k.ID, tc.at); err != nil {
				t.Fatal(err)
			}
			if got := find(t, s, "u1").LastUsedAt; got == nil || !got.Equal(tc.want) {
				t.Fatalf("after touching at %v: last used %v, want %v", tc.at, got, tc.want)
			}
		}
		if err := s.Keys.TouchLastUsed(ctx, 999999, at); err != nil {
			t.Fatalf("unknown key: %v", err)
		}
	})

	t.Run("rollback", func(t *testing.T) {
		s := open(t)
		k := mustCreate(t, s, newKey(s.CorpA, "keep"))
		boom := errors.New("boom")
		err := s.UoW.Do(ctx, func(ctx context.Context) error {
			if _, err := s.Keys.Create(ctx, newKey(s.CorpA, "gone")); err != nil {
				return err
			}
			if err := s.Keys.Revoke(ctx, s.CorpA, k.ID, base); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Do = %v", err)
		}
		if _, err := s.Keys.FindByHash(ctx, "gone"); !errors.Is(err, domain.ErrKeyNotFound) {
			t.Fatalf("a key created in a rolled back unit exists: %v", err)
		}
		if find(t, s, "keep").RevokedAt != nil {
			t.Fatal("a revocation in a rolled back unit stayed")
		}
	})
}

package gormrepo_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"vms/modules/upload/adapters/gormrepo"
	"vms/modules/upload/domain"
	"vms/modules/upload/ports"
	"vms/platform/database"
	"vms/platform/database/dbtest"
)

func TestMultipartStateRoundTrips(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		corp := dbtest.SeedCorporation(t, db, "Acme", "FREE")
		repo := gormrepo.NewUploads(db)
		const id = "0123456789abcdef0123456789abcdef"
		now := time.Now().UTC().Truncate(time.Second)
		if err := repo.Create(ctx, domain.Upload{ID: id, CorporationID: corp, UserID: 1, Length: 10, Name: "a", Visibility: "private", ExpiresAt: now.Add(time.Hour), CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
		if s, err := repo.MultipartState(ctx, id); err != nil || s.MultipartID != "" || s.SHA256State != nil || s.SHA256Offset != 0 || s.VideoID != 0 {
			t.Fatalf("new upload: %+v, %v", s, err)
		}
		want := ports.MultipartState{MultipartID: "mp-1", SHA256Offset: 7, SHA256State: []byte{0, 1, 2, 0xff}}
		if err := repo.SetMultipartState(ctx, id, want); err != nil {
			t.Fatal(err)
		}
		if s, err := repo.MultipartState(ctx, id); err != nil || s.MultipartID != "mp-1" || s.SHA256Offset != 7 || !bytes.Equal(s.SHA256State, want.SHA256State) {
			t.Fatalf("after set: %+v, %v", s, err)
		}
		// A hash that can no longer be trusted is forgotten.
		if err := repo.SetMultipartState(ctx, id, ports.MultipartState{MultipartID: "mp-1", SHA256Offset: 7}); err != nil {
			t.Fatal(err)
		}
		if s, err := repo.MultipartState(ctx, id); err != nil || s.SHA256State != nil {
			t.Fatalf("after clearing the hash: %+v, %v", s, err)
		}
		if u, err := repo.Get(ctx, id); err != nil || u.Name != "a" {
			t.Fatalf("row after the state changes: %+v, %v", u, err)
		}
		if _, err := repo.MultipartState(ctx, "ffffffffffffffffffffffffffffffff"); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("missing upload: %v", err)
		}
		if err := repo.SetMultipartState(ctx, "ffffffffffffffffffffffffffffffff", want); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("set on a missing upload: %v", err)
		}
	})
}

func TestCreatorRoundTrips(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		corp := dbtest.SeedCorporation(t, db, "Acme", "FREE")
		repo := gormrepo.NewUploads(db)
		now := time.Now().UTC().Truncate(time.Second)
		byUser := domain.Upload{ID: "0123456789abcdef0123456789abcdef", CorporationID: corp, UserID: 4, Length: 10, Name: "a", Visibility: "private", ExpiresAt: now.Add(time.Hour), CreatedAt: now}
		byKey := byUser
		byKey.ID, byKey.UserID, byKey.KeyID = "fedcba9876543210fedcba9876543210", 0, 9
		for _, u := range []domain.Upload{byUser, byKey} {
			if err := repo.Create(ctx, u); err != nil {
				t.Fatal(err)
			}
			got, err := repo.Get(ctx, u.ID)
			if err != nil || got.UserID != u.UserID || got.KeyID != u.KeyID {
				t.Fatalf("stored %+v, read %+v, %v", u, got, err)
			}
		}
	})
}

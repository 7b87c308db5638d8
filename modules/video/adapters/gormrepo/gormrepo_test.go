package gormrepo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"vms/modules/video/adapters/gormrepo"
	"vms/modules/video/domain"
	"vms/modules/video/ports/repotest"
	"vms/platform/database"
	"vms/platform/database/dbtest"
)

// seed inserts two corporations with one user each, for the foreign keys.
func seed(t *testing.T, db *database.DB) repotest.Env {
	t.Helper()
	var ids []int64
	for _, name := range []string{"Acme", "Globex"} {
		id := dbtest.SeedCorporation(t, db, name, "FREE")
		ids = append(ids, id, dbtest.SeedUser(t, db, id, name+"@example.com", "guest"))
	}
	return repotest.Env{
		Videos: gormrepo.NewVideos(db), ViewLogs: gormrepo.NewViewLogs(db), UoW: db,
		CorpA: ids[0], UserA: ids[1], CorpB: ids[2], UserB: ids[3],
	}
}

func TestGormRepositoriesMeetContract(t *testing.T) {
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			repotest.Run(t, func(t *testing.T) repotest.Env { return seed(t, b.Open(t)) })
		})
	}
}

func TestViewLogInsertRollsBackWithItsUnitOfWork(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		env := seed(t, db)
		ctx := context.Background()
		v, err := env.Videos.Create(ctx, domain.Video{Name: "a", CorporationID: env.CorpA, SourceKind: domain.SourceUpload, StorageKey: "k"})
		if err != nil {
			t.Fatal(err)
		}
		boom := errors.New("handler failed")
		err = db.Do(ctx, func(ctx context.Context) error {
			if _, ins, err := env.ViewLogs.Insert(ctx, env.UserA, v.ID, time.Now()); err != nil || !ins {
				t.Fatalf("insert: %v %v", ins, err)
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Do = %v", err)
		}
		if _, ok, err := env.ViewLogs.Find(ctx, env.UserA, v.ID); err != nil || ok {
			t.Fatalf("view log survived the rollback: ok=%v err=%v", ok, err)
		}
	})
}

func TestUploadRowsNeedStorageKey(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		env := seed(t, db)
		_, err := env.Videos.Create(context.Background(), domain.Video{Name: "a", CorporationID: env.CorpA, SourceKind: domain.SourceUpload})
		if err == nil {
			t.Fatal("an upload row without a storage key was accepted")
		}
	})
}

package gormrepo_test

import (
	"testing"

	"vms/modules/analytics/adapters/gormrepo"
	"vms/modules/analytics/ports/repotest"
	"vms/platform/database"
	"vms/platform/database/dbtest"
)

func seedVideo(t *testing.T, db *database.DB, corp int64, key string) int64 {
	t.Helper()
	var id int64
	if err := db.Gorm.Raw("INSERT INTO videos (name, corporation_id, source_kind, storage_key) VALUES ('v', ?, 'upload', ?) RETURNING id", corp, key).Scan(&id).Error; err != nil || id == 0 {
		t.Fatalf("seed video: %d %v", id, err)
	}
	return id
}

func TestRepositoryContract(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		repotest.Run(t, func(t *testing.T) repotest.Env {
			corp := dbtest.SeedCorporation(t, db, "corp "+t.Name(), "FREE")
			return repotest.Env{
				Repo: gormrepo.New(db), UoW: db,
				VideoA: seedVideo(t, db, corp, t.Name()+"a"), VideoB: seedVideo(t, db, corp, t.Name()+"b"),
				UserA: dbtest.SeedUser(t, db, corp, t.Name()+"a@x.example", "guest"), UserB: dbtest.SeedUser(t, db, corp, t.Name()+"b@x.example", "guest"),
				GoneVideo: 1 << 40, GoneUser: 1 << 40,
			}
		})
	})
}

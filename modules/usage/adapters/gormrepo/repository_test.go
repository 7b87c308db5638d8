package gormrepo_test

import (
	"strconv"
	"sync/atomic"
	"testing"

	"vms/modules/usage/adapters/gormrepo"
	"vms/modules/usage/ports/repotest"
	"vms/platform/database"
	"vms/platform/database/dbtest"
)

var seq atomic.Int64

func env(db *database.DB) repotest.Env {
	return repotest.Env{
		Repo: gormrepo.New(db),
		UoW:  db,
		Corporation: func(t *testing.T) int64 {
			return dbtest.SeedCorporation(t, db, "Corp "+strconv.FormatInt(seq.Add(1), 10), "FREE")
		},
		Video: func(t *testing.T, corporationID int64) int64 {
			t.Helper()
			var id int64
			err := db.Gorm.Raw(`INSERT INTO videos (name, corporation_id, source_kind, storage_key, content_type, size_bytes, sha256)
				VALUES ('clip', ?, 'upload', ?, 'video/mp4', 1, '') RETURNING id`, corporationID, "key-"+strconv.FormatInt(seq.Add(1), 10)).Scan(&id).Error
			if err != nil || id == 0 {
				t.Fatalf("seed video: %d %v", id, err)
			}
			return id
		},
	}
}

func TestRepositoryContract(t *testing.T) {
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			repotest.Run(t, func(t *testing.T) repotest.Env { return env(b.Open(t)) })
		})
	}
}

func TestRepositoryRollback(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) { repotest.RunRollback(t, env(db)) })
}

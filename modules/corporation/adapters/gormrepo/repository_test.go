package gormrepo_test

import (
	"testing"

	"vms/modules/corporation/adapters/gormrepo"
	"vms/modules/corporation/ports/repotest"
	"vms/platform/database"
	"vms/platform/database/dbtest"
)

func TestRepositoryContract(t *testing.T) {
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			repotest.Run(t, func(t *testing.T) repotest.Env {
				db := b.Open(t)
				return repotest.Env{Repo: gormrepo.New(db), UoW: db}
			})
		})
	}
}

func TestRepositoryRollback(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		repotest.RunRollback(t, repotest.Env{Repo: gormrepo.New(db), UoW: db})
	})
}

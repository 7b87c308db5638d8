package gormrepo_test

import (
	"fmt"
	"testing"

	"vms/modules/user/adapters/gormrepo"
	"vms/modules/user/ports/repotest"
	"vms/platform/database"
	"vms/platform/database/dbtest"
)

// newCorporation inserts a corporation row for users to belong to.
func newCorporation(db *database.DB) func(t *testing.T) int64 {
	n := 0
	return func(t *testing.T) int64 {
		t.Helper()
		n++
		return dbtest.SeedCorporation(t, db, fmt.Sprintf("corp-%d", n), "FREE")
	}
}

func env(db *database.DB) repotest.Env {
	return repotest.Env{Repo: gormrepo.New(db), UoW: db, NewCorporation: newCorporation(db)}
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

package gormrepo_test

import (
	"testing"

	"vms/modules/webhook/adapters/gormrepo"
	"vms/modules/webhook/ports/repotest"
	"vms/platform/database/dbtest"
)

func TestRepositoryContract(t *testing.T) {
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			repotest.Run(t, func(t *testing.T) repotest.Env {
				db := b.Open(t)
				return repotest.Env{
					Repo: gormrepo.New(db), UoW: db,
					CorpA: dbtest.SeedCorporation(t, db, "Acme", "FREE"), CorpB: dbtest.SeedCorporation(t, db, "Other", "FREE"),
				}
			})
		})
	}
}

package gormrepo_test

import (
	"testing"

	"vms/modules/auth/adapters/gormrepo"
	"vms/modules/auth/ports/repotest"
	"vms/platform/database/dbtest"
)

func TestAPIKeysContract(t *testing.T) {
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			repotest.APIKeys(t, func(t *testing.T) repotest.KeySubject {
				db := b.Open(t)
				a := dbtest.SeedCorporation(t, db, "acme", "FREE")
				other := dbtest.SeedCorporation(t, db, "globex", "FREE")
				return repotest.KeySubject{Keys: gormrepo.NewAPIKeys(db), UoW: db, CorpA: a, CorpB: other}
			})
		})
	}
}

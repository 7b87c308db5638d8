package gormrepo_test

import (
	"testing"

	"vms/modules/auth/adapters/gormrepo"
	"vms/modules/auth/ports/repotest"
	"vms/platform/database"
	"vms/platform/database/dbtest"
)

func TestSessionsContract(t *testing.T) {
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			repotest.Sessions(t, func(t *testing.T) repotest.Subject {
				db := b.Open(t)
				a, bID := seedUsers(t, db)
				return repotest.Subject{Sessions: gormrepo.NewSessions(db), UoW: db, UserA: a, UserB: bID}
			})
		})
	}
}

// seedUsers inserts a corporation with two users, because refresh_tokens references users.
func seedUsers(t *testing.T, db *database.DB) (int64, int64) {
	t.Helper()
	corp := dbtest.SeedCorporation(t, db, "acme", "FREE")
	return dbtest.SeedUser(t, db, corp, "a@example.com", "guest"), dbtest.SeedUser(t, db, corp, "b@example.com", "guest")
}

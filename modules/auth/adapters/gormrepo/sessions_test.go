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
	g := db.Gorm
	if err := g.Exec("INSERT INTO corporations (name, plan_type) VALUES ('acme', 'FREE')").Error; err != nil {
		t.Fatalf("seed corporation: %v", err)
	}
	var corp int64
	if err := g.Raw("SELECT id FROM corporations WHERE name = 'acme'").Scan(&corp).Error; err != nil {
		t.Fatalf("read corporation: %v", err)
	}
	ids := make([]int64, 2)
	for i, email := range []string{"a@example.com", "b@example.com"} {
		if err := g.Exec("INSERT INTO users (email, password_hash, role, corporation_id) VALUES (?, 'x', 'guest', ?)", email, corp).Error; err != nil {
			t.Fatalf("seed user: %v", err)
		}
		if err := g.Raw("SELECT id FROM users WHERE email = ?", email).Scan(&ids[i]).Error; err != nil {
			t.Fatalf("read user: %v", err)
		}
	}
	return ids[0], ids[1]
}

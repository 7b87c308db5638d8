package dbtest

import (
	"testing"
	"time"

	"vms/platform/database"
)

// SeedCorporation inserts a live corporation with the given plan ("FREE" or "PAID"; a
// PAID plan expires in a year) straight into the shared schema and returns its id. An
// error fails the test.
func SeedCorporation(t testing.TB, db *database.DB, name, plan string) int64 {
	t.Helper()
	var expiry *time.Time
	if plan == "PAID" {
		e := time.Now().UTC().Add(365 * 24 * time.Hour)
		expiry = &e
	}
	var id int64
	err := db.Gorm.Raw("INSERT INTO corporations (name, plan_type, plan_expired_at) VALUES (?, ?, ?) RETURNING id", name, plan, expiry).Scan(&id).Error
	if err != nil || id == 0 {
		t.Fatalf("seed corporation %q: id %d, %v", name, id, err)
	}
	return id
}

// SeedUser inserts a user of the corporation with the role ("admin" or "guest") and a
// password hash no password matches, and returns its id. An error fails the test.
func SeedUser(t testing.TB, db *database.DB, corporationID int64, email, role string) int64 {
	t.Helper()
	var id int64
	err := db.Gorm.Raw("INSERT INTO users (email, password_hash, role, corporation_id) VALUES (?, 'x', ?, ?) RETURNING id", email, role, corporationID).Scan(&id).Error
	if err != nil || id == 0 {
		t.Fatalf("seed user %q: id %d, %v", email, id, err)
	}
	return id
}

// QueryInt returns the one integer a query selects (a count, a balance), failing the
// test when the query fails.
func QueryInt(t testing.TB, db *database.DB, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.Gorm.Raw(query, args...).Scan(&n).Error; err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

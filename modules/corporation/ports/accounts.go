// Package ports declares what the corporation module needs: its repository, the user
// module's admin accounts (bound in app/wiring), a unit of work and a clock.
package ports

import "context"

// PreparedAdmin is a validated admin account whose password is already hashed.
type PreparedAdmin struct {
	Email        string
	PasswordHash string
}

// AdminAccounts creates the first admin user of a new corporation. The user module
// implements it. Its errors carry their own kind (conflict for a taken e-mail, invalid
// for a bad e-mail or password, naming the sign-up fields admin_email/admin_password).
type AdminAccounts interface {
	// PrepareAdmin validates the e-mail and password and hashes the password. It runs
	// before the unit of work: hashing is slow and is no database work.
	PrepareAdmin(ctx context.Context, email, password string) (PreparedAdmin, error)
	// CreateAdmin inserts the prepared admin inside the caller's unit of work.
	CreateAdmin(ctx context.Context, corporationID int64, admin PreparedAdmin) error
}

package ports

import "context"

// AdminAccounts creates the first admin user of a new corporation, inside the caller's
// unit of work. The user module implements it. Its errors carry their own kind
// (conflict for a taken e-mail, invalid for a bad e-mail or password).
type AdminAccounts interface {
	CreateAdmin(ctx context.Context, corporationID int64, email, password string) error
}

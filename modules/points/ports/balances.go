package ports

import "context"

// Balances reads and changes users' point balances (the users.point column, owned by the
// user module, which implements this port). Both methods run in the caller's unit of work.
type Balances interface {
	// LockUser locks the user's row until the transaction ends (SELECT … FOR UPDATE on
	// PostgreSQL; SQLite's IMMEDIATE transaction already serialises writers).
	LockUser(ctx context.Context, userID int64) error
	// AddPoints adds amount to the user's balance.
	AddPoints(ctx context.Context, userID int64, amount int64) error
}

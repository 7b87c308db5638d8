package ports

import (
	"context"
	"time"

	"vms/modules/user/domain"
)

// Repository stores users. Every read sees live (not soft-deleted) users only; methods
// that take a corporation id only see that corporation's users, so another tenant's
// user is domain.ErrNotFound.
type Repository interface {
	// Create inserts a user; a live user with the same e-mail gives domain.ErrEmailTaken.
	Create(ctx context.Context, u domain.NewUser, now time.Time) (domain.User, error)
	Get(ctx context.Context, corporationID, id int64) (domain.User, error)
	GetByEmail(ctx context.Context, corporationID int64, email string) (domain.User, error)
	// List returns up to limit users of the corporation with an id greater than afterID, by id.
	List(ctx context.Context, corporationID, afterID int64, limit int) ([]domain.User, error)
	Update(ctx context.Context, corporationID, id int64, ch domain.Change, now time.Time) (domain.User, error)
	SoftDelete(ctx context.Context, corporationID, id int64, now time.Time) error
	// SoftDeleteCorporation soft-deletes every live user of a corporation and returns how many.
	SoftDeleteCorporation(ctx context.Context, corporationID int64, now time.Time) (int64, error)
	// FindLive returns a live user of any corporation, for authentication and lookups
	// by other modules.
	FindLive(ctx context.Context, id int64) (domain.User, error)
	// FindLiveByEmail returns the live user with this (normalised) e-mail.
	FindLiveByEmail(ctx context.Context, email string) (domain.User, error)
	// LockUser locks the user's row until the caller's transaction ends; a missing user
	// is domain.ErrNotFound.
	LockUser(ctx context.Context, id int64) error
	// AddPoints adds amount to the user's point balance in one statement.
	AddPoints(ctx context.Context, id int64, amount int64) error
}

// PasswordHasher hashes and checks passwords.
type PasswordHasher interface {
	Hash(ctx context.Context, password string) (string, error)
	// Verify reports whether password matches the encoded hash, in constant time.
	Verify(ctx context.Context, password, encoded string) (bool, error)
}

// UnitOfWork runs fn in one transaction (joining one already in ctx).
type UnitOfWork interface {
	Do(ctx context.Context, fn func(ctx context.Context) error) error
}

// Clock tells the time.
type Clock interface {
	Now() time.Time
}
